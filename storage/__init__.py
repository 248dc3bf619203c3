"""MongoDB persistence: one client factory, index creation, repositories, GridFS blobs."""
