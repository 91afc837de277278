# Public auto-login: make the built-in `guest` user the one the next login stage signs in.
# The flow plan's context (not the policy's request.context) is what the stage reads.
request.context["flow_plan"].context["pending_user"] = ak_user_by(username="guest")
return True
