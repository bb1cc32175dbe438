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


class ChineseFirstMiddleware:
    """Chinese unless the user chose English with the language switch (a cookie): the
    browser's Accept-Language is ignored, so an office PC with an English system still
    gets the Chinese platform. Sits just before LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
