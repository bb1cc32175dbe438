from kaiyihui.views import healthz


class HealthCheckMiddleware:
    """Answers /healthz before host validation and the HTTPS redirect, so a load balancer
    or container health check can probe any process by its internal address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return healthz(request)
        return self.get_response(request)
