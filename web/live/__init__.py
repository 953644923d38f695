"""Real-time rounds over Socket.IO: namespaces, broadcasts and the per-process ticker."""
