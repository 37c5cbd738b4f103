from rencai.accounts.roles import acting_as_for


def acting_as(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"acting_as": acting_as_for(request)}
