"""The HTTP server of `dlkg serve`: front process, worker pool, IPC, worker loop."""
