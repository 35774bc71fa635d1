"""How the bot process runs: settings, logging, the HTTP server and the command line."""
