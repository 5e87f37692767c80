"""A Content-Security-Policy on every answer: scripts only from our own origin.

Pages load their JavaScript from ``/static/`` files and carry no inline script, so an
``<script>`` or an ``onerror=`` that slipped through into a page would still not run.
Styles allow inline ``style=`` attributes for the admin's and the API docs' sake; learner
HTML never carries one (the renderer's allow-list drops it). A view that needs another
policy sets the header itself and is left alone.
"""

POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "media-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADER = "Content-Security-Policy"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault(HEADER, POLICY)
        return response
