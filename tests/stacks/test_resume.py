"""resume: the objects an outage would be about."""

from components import constants as c


def test_public_ingress_wakes_the_resume_group(synth_stack):
    stack = synth_stack("resume")
    ingress = stack.k8s("Ingress", "resume", "resume")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations[c.AUTH_ANNOTATION] == "public"
    chain = annotations[c.ROUTER_MIDDLEWARES_ANNOTATION].split(",")
    assert chain.index(c.MW_FORWARD_AUTH_PUBLIC) < chain.index("resume-sablier-resume@kubernetescrd")
    assert ingress["spec"]["rules"][0]["host"] == "resume.viktorbarzin.me"
    sablier = stack.k8s("Middleware", "sablier-resume", "resume")["inputs"]["spec"]["plugin"]["sablier"]
    assert sablier["group"] == "resume"


def test_app_and_printer_are_parked_in_one_sablier_group(synth_stack):
    stack = synth_stack("resume")
    for name, image in (("resume", "amruthpillai/reactive-resume:v5.0.3"),
                        ("printer", "ghcr.io/browserless/chromium:latest")):
        deployment = stack.k8s("Deployment", name, "resume")
        assert deployment["inputs"]["spec"]["replicas"] == 0, name
        assert deployment["inputs"]["metadata"]["labels"]["sablier.group"] == "resume", name
        assert "spec.replicas" in deployment["options"]["ignoreChanges"], name
        assert deployment["inputs"]["spec"]["template"]["spec"]["containers"][0]["image"] == image, name
    printer = stack.k8s("Service", "printer", "resume")["inputs"]["spec"]
    assert printer["ports"] == [{"port": 3000, "targetPort": 3000}]


def test_app_reaches_printer_database_and_mail(synth_stack):
    pod = synth_stack("resume").k8s("Deployment", "resume", "resume")["inputs"]["spec"]["template"]["spec"]
    env = {e["name"]: e for e in pod["containers"][0]["env"]}
    assert env["PRINTER_ENDPOINT"]["value"] == "ws://printer.resume.svc.cluster.local:3000"
    assert env["DATABASE_URL"]["value"] == "[secret]" and env["SMTP_PASS"]["value"] == "[secret]"
    assert env["AUTH_SECRET"]["valueFrom"]["secretKeyRef"] == {"name": "resume-secrets", "key": "auth_secret"}
    assert env["SMTP_HOST"]["value"] == "mail.viktorbarzin.me" and env["SMTP_USER"]["value"] == "info@viktorbarzin.me"
    assert pod["volumes"] == [{"name": "data", "persistentVolumeClaim": {"claimName": "resume-data-host"}}]
