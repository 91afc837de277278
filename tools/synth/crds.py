"""Structural schemas for the custom resources the stacks declare.

Abridged from the CRDs' OpenAPI schemas to the fields this repository uses, but strict
where the CRD is: the API server silently prunes unknown fields of a structural CRD, so a
misspelt key (``refreshIntervall``, ``maxRequestBodyByte``) would apply "successfully" and
do nothing. Here it fails the synth. Kinds not listed are reported as not validated.
"""

from __future__ import annotations

STRING = {"type": "string"}
BOOL = {"type": "boolean"}
INT = {"type": "integer"}
STRINGS = {"type": "array", "items": STRING}
STRING_MAP = {"type": "object", "additionalProperties": STRING}
ANY_OBJECT = {"type": "object"}


def _strict(properties: dict, required: tuple[str, ...] = ()) -> dict:
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    return schema


METADATA = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": STRING, "namespace": STRING, "labels": STRING_MAP, "annotations": STRING_MAP},
}


def _resource(api_version: str, kind: str, spec: dict, *, namespaced: bool = True, spec_required: bool = True) -> dict:
    metadata = dict(METADATA)
    if namespaced:
        metadata = {**metadata, "required": ["name", "namespace"]}
    return {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", *(["spec"] if spec_required else [])],
        "properties": {
            "apiVersion": {"const": api_version},
            "kind": {"const": kind},
            "metadata": metadata,
            "spec": spec,
        },
        "additionalProperties": False,
    }


# --- external-secrets.io/v1 ---------------------------------------------------------------
_REMOTE_REF = _strict({
    "key": STRING, "property": STRING, "version": STRING,
    "conversionStrategy": {"enum": ["Default", "Unicode"]},
    "decodingStrategy": {"enum": ["Auto", "Base64", "Base64URL", "None"]},
    "metadataPolicy": {"enum": ["None", "Fetch"]},
}, ("key",))
_EXTERNAL_SECRET = _strict({
    "refreshInterval": {"type": "string", "pattern": r"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$"},
    "refreshPolicy": {"enum": ["CreatedOnce", "Periodic", "OnChange"]},
    "secretStoreRef": _strict({"name": STRING, "kind": {"enum": ["SecretStore", "ClusterSecretStore"]}}, ("name",)),
    "target": _strict({
        "name": STRING,
        "creationPolicy": {"enum": ["Owner", "Orphan", "Merge", "None"]},
        "deletionPolicy": {"enum": ["Delete", "Merge", "Retain"]},
        "template": ANY_OBJECT,
        "immutable": BOOL,
    }),
    "data": {"type": "array", "items": _strict({"secretKey": STRING, "remoteRef": _REMOTE_REF, "sourceRef": ANY_OBJECT},
                                                ("secretKey", "remoteRef"))},
    "dataFrom": {"type": "array", "items": _strict({
        "extract": _REMOTE_REF, "find": ANY_OBJECT, "rewrite": {"type": "array"}, "sourceRef": ANY_OBJECT,
    })},
}, ("secretStoreRef",))
_VAULT_PROVIDER = _strict({
    "server": STRING, "path": STRING, "version": {"enum": ["v1", "v2"]}, "namespace": STRING,
    "caBundle": STRING, "caProvider": ANY_OBJECT, "readYourWrites": BOOL, "forwardInconsistent": BOOL,
    "auth": _strict({
        "kubernetes": _strict({"mountPath": STRING, "role": STRING, "serviceAccountRef": ANY_OBJECT, "secretRef": ANY_OBJECT},
                              ("mountPath", "role")),
        "tokenSecretRef": ANY_OBJECT, "appRole": ANY_OBJECT, "jwt": ANY_OBJECT, "cert": ANY_OBJECT,
    }),
}, ("server",))
_SECRET_STORE = _strict({
    "provider": {"type": "object", "properties": {"vault": _VAULT_PROVIDER}, "minProperties": 1, "maxProperties": 1},
    "retrySettings": ANY_OBJECT, "refreshInterval": INT, "conditions": {"type": "array"},
}, ("provider",))

# --- traefik.io/v1alpha1 ----------------------------------------------------------------
_MIDDLEWARE_KINDS = (
    "addPrefix", "basicAuth", "buffering", "chain", "circuitBreaker", "compress", "contentType", "digestAuth",
    "errors", "forwardAuth", "grpcWeb", "headers", "inFlightReq", "ipAllowList", "ipWhiteList",
    "passTLSClientCert", "plugin", "rateLimit", "redirectRegex", "redirectScheme", "replacePath",
    "replacePathRegex", "retry", "stripPrefix", "stripPrefixRegex",
)
_MIDDLEWARE = {
    "type": "object",
    "properties": {
        **{k: ANY_OBJECT for k in _MIDDLEWARE_KINDS},
        "buffering": _strict({"maxRequestBodyBytes": INT, "memRequestBodyBytes": INT, "maxResponseBodyBytes": INT,
                              "memResponseBodyBytes": INT, "retryExpression": STRING}),
        "retry": _strict({"attempts": INT, "initialInterval": STRING}),
        "rateLimit": _strict({"average": INT, "burst": INT, "period": {"type": ["string", "integer"]},
                              "sourceCriterion": ANY_OBJECT, "redis": ANY_OBJECT}),
        "forwardAuth": _strict({
            "address": STRING, "trustForwardHeader": BOOL, "authResponseHeaders": STRINGS,
            "authResponseHeadersRegex": STRING, "authRequestHeaders": STRINGS, "tls": ANY_OBJECT,
            "addAuthCookiesToResponse": STRINGS, "headerField": STRING, "forwardBody": BOOL,
            "maxBodySize": INT, "preserveLocationHeader": BOOL, "preserveRequestMethod": BOOL,
        }, ("address",)),
        "ipAllowList": _strict({"sourceRange": STRINGS, "ipStrategy": ANY_OBJECT, "rejectStatusCode": INT}),
        "errors": _strict({"status": STRINGS, "service": ANY_OBJECT, "query": STRING, "statusRewrites": ANY_OBJECT}),
    },
    "additionalProperties": False,
    "minProperties": 1,
}
_ROUTE_SERVICE = {"type": "object", "required": ["name"], "properties": {"name": STRING, "port": {"type": ["string", "integer"]}}}
_INGRESS_ROUTE = _strict({
    "entryPoints": STRINGS,
    "routes": {"type": "array", "minItems": 1, "items": _strict({
        "match": STRING, "kind": {"enum": ["Rule"]}, "priority": INT, "services": {"type": "array", "items": _ROUTE_SERVICE},
        "middlewares": {"type": "array", "items": _strict({"name": STRING, "namespace": STRING}, ("name",))},
        "observability": ANY_OBJECT, "syntax": STRING,
    }, ("match",))},
    "tls": ANY_OBJECT,
}, ("routes",))
_INGRESS_ROUTE_TCP = _strict({
    "entryPoints": STRINGS,
    "routes": {"type": "array", "minItems": 1, "items": _strict({
        "match": STRING, "priority": INT, "services": {"type": "array", "items": _ROUTE_SERVICE},
        "middlewares": {"type": "array"}, "syntax": STRING,
    }, ("match",))},
    "tls": ANY_OBJECT,
}, ("routes",))

_SERVERS_TRANSPORT = _strict({
    "insecureSkipVerify": BOOL, "serverName": STRING, "rootCAs": {"type": "array"}, "certificatesSecrets": STRINGS,
    "maxIdleConnsPerHost": INT, "disableHTTP2": BOOL, "peerCertURI": STRING, "spiffe": ANY_OBJECT,
    "forwardingTimeouts": _strict({k: {"type": ["string", "integer"]} for k in (
        "dialTimeout", "responseHeaderTimeout", "idleConnTimeout", "readIdleTimeout", "pingTimeout")}),
})

# --- kyverno.io ------------------------------------------------------------------------------
_RULE = _strict({
    "name": STRING, "match": ANY_OBJECT, "exclude": ANY_OBJECT, "preconditions": {"type": ["object", "array"]},
    "context": {"type": "array"}, "validate": ANY_OBJECT, "mutate": ANY_OBJECT, "generate": ANY_OBJECT,
    "verifyImages": {"type": "array"}, "skipBackgroundRequests": BOOL, "celPreconditions": {"type": "array"},
    "imageExtractors": ANY_OBJECT, "reportProperties": STRING_MAP,
}, ("name",))
_CLUSTER_POLICY = _strict({
    "rules": {"type": "array", "minItems": 1, "items": _RULE},
    "validationFailureAction": {"enum": ["Audit", "Enforce", "audit", "enforce"]},
    "validationFailureActionOverrides": {"type": "array"},
    "background": BOOL, "failurePolicy": {"enum": ["Ignore", "Fail"]}, "webhookTimeoutSeconds": INT,
    "generateExisting": BOOL, "generateExistingOnPolicyUpdate": BOOL, "mutateExistingOnPolicyUpdate": BOOL,
    "useServerSideApply": BOOL, "admission": BOOL, "schemaValidation": BOOL, "emitWarning": BOOL,
    "applyRules": {"enum": ["All", "One"]}, "webhookConfiguration": ANY_OBJECT,
}, ("rules",))
_CLEANUP_POLICY = _strict({
    "match": ANY_OBJECT, "exclude": ANY_OBJECT, "conditions": ANY_OBJECT, "context": {"type": "array"},
    "schedule": STRING, "deletionPropagationPolicy": STRING,
}, ("match", "schedule"))

# --- metallb.io/v1beta1 ------------------------------------------------------------------
_IP_POOL = _strict({"addresses": {"type": "array", "minItems": 1, "items": STRING}, "autoAssign": BOOL,
                    "avoidBuggyIPs": BOOL, "serviceAllocation": ANY_OBJECT}, ("addresses",))
_L2_ADVERTISEMENT = _strict({"ipAddressPools": STRINGS, "ipAddressPoolSelectors": {"type": "array"},
                             "nodeSelectors": {"type": "array"}, "interfaces": STRINGS})

SCHEMAS: dict[tuple[str, str], dict] = {
    ("external-secrets.io/v1", "ExternalSecret"): _resource("external-secrets.io/v1", "ExternalSecret", _EXTERNAL_SECRET),
    ("external-secrets.io/v1", "ClusterSecretStore"): _resource("external-secrets.io/v1", "ClusterSecretStore",
                                                                _SECRET_STORE, namespaced=False),
    ("traefik.io/v1alpha1", "Middleware"): _resource("traefik.io/v1alpha1", "Middleware", _MIDDLEWARE),
    ("traefik.io/v1alpha1", "IngressRoute"): _resource("traefik.io/v1alpha1", "IngressRoute", _INGRESS_ROUTE),
    ("traefik.io/v1alpha1", "IngressRouteTCP"): _resource("traefik.io/v1alpha1", "IngressRouteTCP", _INGRESS_ROUTE_TCP),
    ("traefik.io/v1alpha1", "ServersTransport"): _resource("traefik.io/v1alpha1", "ServersTransport",
                                                           _SERVERS_TRANSPORT),
    ("kyverno.io/v1", "ClusterPolicy"): _resource("kyverno.io/v1", "ClusterPolicy", _CLUSTER_POLICY, namespaced=False),
    ("kyverno.io/v2", "ClusterCleanupPolicy"): _resource("kyverno.io/v2", "ClusterCleanupPolicy", _CLEANUP_POLICY,
                                                         namespaced=False),
    ("metallb.io/v1beta1", "IPAddressPool"): _resource("metallb.io/v1beta1", "IPAddressPool", _IP_POOL),
    ("metallb.io/v1beta1", "L2Advertisement"): _resource("metallb.io/v1beta1", "L2Advertisement", _L2_ADVERTISEMENT),
}

# --- Calico: operator.tigera.io/v1 Goldmane/Whisker, projectcalico.org/v3 GlobalNetworkPolicy ---
_CALICO_ENTITY = _strict({
    "nets": STRINGS, "notNets": STRINGS, "selector": STRING, "notSelector": STRING, "namespaceSelector": STRING,
    "ports": {"type": "array", "items": {"type": ["string", "integer"]}}, "notPorts": {"type": "array"},
    "serviceAccounts": ANY_OBJECT, "services": ANY_OBJECT,
})
_CALICO_RULE = _strict({
    "action": {"enum": ["Allow", "Deny", "Log", "Pass"]}, "protocol": {"type": ["string", "integer"]},
    "notProtocol": {"type": ["string", "integer"]}, "ipVersion": {"enum": [4, 6]}, "icmp": ANY_OBJECT,
    "notICMP": ANY_OBJECT, "source": _CALICO_ENTITY, "destination": _CALICO_ENTITY, "http": ANY_OBJECT,
    "metadata": ANY_OBJECT,
}, ("action",))
_GLOBAL_NETWORK_POLICY = _strict({
    "tier": STRING, "order": {"type": "number"}, "selector": STRING, "namespaceSelector": STRING,
    "serviceAccountSelector": STRING, "types": {"type": "array", "items": {"enum": ["Ingress", "Egress"]}},
    "ingress": {"type": "array", "items": _CALICO_RULE}, "egress": {"type": "array", "items": _CALICO_RULE},
    "doNotTrack": BOOL, "preDNAT": BOOL, "applyOnForward": BOOL, "performanceHints": STRINGS,
})
SCHEMAS.update({
    ("operator.tigera.io/v1", "Goldmane"): _resource("operator.tigera.io/v1", "Goldmane", _strict(
        {"goldmaneDeployment": ANY_OBJECT}), namespaced=False, spec_required=False),
    ("operator.tigera.io/v1", "Whisker"): _resource("operator.tigera.io/v1", "Whisker", _strict(
        {"notifications": {"enum": ["Enabled", "Disabled"]}, "whiskerDeployment": ANY_OBJECT}),
        namespaced=False, spec_required=False),
    ("projectcalico.org/v3", "GlobalNetworkPolicy"): _resource("projectcalico.org/v3", "GlobalNetworkPolicy",
                                                               _GLOBAL_NETWORK_POLICY, namespaced=False),
})
