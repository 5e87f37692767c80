"""The REST API v1: views parse input, call one service or selector, shape the output."""
