# After the enrollment write stage has saved the new user, put them in "Proxy Users".
# Never blocks the login: any failure simply leaves the membership out.
from authentik.core.models import Group

user = request.context.get("pending_user")
if user is not None and getattr(user, "pk", None):
    try:
        group = Group.objects.filter(name="Proxy Users").first()
        if group is not None:
            user.ak_groups.add(group)
    except Exception:
        pass
return True
