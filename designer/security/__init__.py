"""Security parts that sit beside the app: login rate limiting, Content-Security-Policy."""
