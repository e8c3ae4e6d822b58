"""The identity domain: plain Python, no SQLAlchemy, protobuf or asyncio."""
