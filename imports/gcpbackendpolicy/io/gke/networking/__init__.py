from __future__ import annotations

from pkgutil import extend_path
__path__ = extend_path(__path__, __name__)

import abc
import builtins
import datetime
import enum
import typing

import jsii
import publication
import typing_extensions

from jsii._type_checking import cached_type_hints, check_type


from ._jsii import *

class _LazyImport:
    def __init__(self, module_name: str) -> None:
        self._module_name = module_name
        self._module: typing.Any = None
    def __getattr__(self, name: str) -> typing.Any:
        if self._module is None:
            import importlib
            self._module = importlib.import_module(self._module_name)
        return getattr(self._module, name)

if typing.TYPE_CHECKING:

    import cdk8s as _cdk8s_d3d9af27
    import constructs as _constructs_77d1e7e8
else:

    _cdk8s_d3d9af27 = _LazyImport("cdk8s")
    _constructs_77d1e7e8 = _LazyImport("constructs")


class GcpBackendPolicy(
    _cdk8s_d3d9af27.ApiObject,
    metaclass=jsii.JSIIMeta,
    jsii_type="gcpbackendpolicy_iogkenetworking.GcpBackendPolicy",
):
    '''
    :schema: GCPBackendPolicy
    '''

    def __init__(
        self,
        scope: "_constructs_77d1e7e8.Construct",
        id: builtins.str,
        *,
        spec: typing.Union["GcpBackendPolicySpec", typing.Dict[builtins.str, typing.Any]],
        metadata: typing.Optional[typing.Union["_cdk8s_d3d9af27.ApiObjectMetadata", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> None:
        '''Defines a "GCPBackendPolicy" API object.

        :param scope: the scope in which to define this object.
        :param id: a scope-local name for the object.
        :param spec: 
        :param metadata: 
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__4e1f355ed2bc4dc8f70a7f0ffe73950b3b36afcab08368c51e50bcfbf81cf231)
            check_type(argname="argument scope", value=scope, expected_type=type_hints["scope"])
            check_type(argname="argument id", value=id, expected_type=type_hints["id"])
        props = GcpBackendPolicyProps(spec=spec, metadata=metadata)

        jsii.create(self.__class__, self, [scope, id, props])

    @jsii.member(jsii_name="manifest")
    @builtins.classmethod
    def manifest(
        cls,
        *,
        spec: typing.Union["GcpBackendPolicySpec", typing.Dict[builtins.str, typing.Any]],
        metadata: typing.Optional[typing.Union["_cdk8s_d3d9af27.ApiObjectMetadata", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> typing.Any:
        '''Renders a Kubernetes manifest for "GCPBackendPolicy".

        This can be used to inline resource manifests inside other objects (e.g. as templates).

        :param spec: 
        :param metadata: 
        '''
        props = GcpBackendPolicyProps(spec=spec, metadata=metadata)

        return typing.cast(typing.Any, jsii.sinvoke(cls, "manifest", [props]))

    @jsii.member(jsii_name="toJson")
    def to_json(self) -> typing.Any:
        '''Renders the object to Kubernetes JSON.'''
        return typing.cast(typing.Any, jsii.invoke(self, "toJson", []))

    @jsii.python.classproperty
    @jsii.member(jsii_name="GVK")
    def GVK(cls) -> "_cdk8s_d3d9af27.GroupVersionKind":
        '''Returns the apiVersion and kind for "GCPBackendPolicy".'''
        return typing.cast("_cdk8s_d3d9af27.GroupVersionKind", jsii.sget(cls, "GVK"))


@jsii.data_type(
    jsii_type="gcpbackendpolicy_iogkenetworking.GcpBackendPolicyProps",
    jsii_struct_bases=[],
    name_mapping={"spec": "spec", "metadata": "metadata"},
)
class GcpBackendPolicyProps:
    def __init__(
        self,
        *,
        spec: typing.Union["GcpBackendPolicySpec", typing.Dict[builtins.str, typing.Any]],
        metadata: typing.Optional[typing.Union["_cdk8s_d3d9af27.ApiObjectMetadata", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> None:
        '''
        :param spec: 
        :param metadata: 

        :schema: GCPBackendPolicy
        '''
        if isinstance(spec, dict):
            spec = GcpBackendPolicySpec(**spec)
        if isinstance(metadata, dict):
            metadata = _cdk8s_d3d9af27.ApiObjectMetadata(**metadata)
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__86ed7eef7cda05ba0ec8a2f110eba09fadc93da13113ca4dd110678ab9ab34a1)
            check_type(argname="argument spec", value=spec, expected_type=type_hints["spec"])
            check_type(argname="argument metadata", value=metadata, expected_type=type_hints["metadata"])
        self._values: typing.Dict[builtins.str, typing.Any] = {
            "spec": spec,
        }
        if metadata is not None:
            self._values["metadata"] = metadata

    @builtins.property
    def spec(self) -> "GcpBackendPolicySpec":
        '''
        :schema: GCPBackendPolicy#spec
        '''
        result = self._values.get("spec")
        assert result is not None, "Required property 'spec' is missing"
        return typing.cast("GcpBackendPolicySpec", result)

    @builtins.property
    def metadata(self) -> typing.Optional["_cdk8s_d3d9af27.ApiObjectMetadata"]:
        '''
        :schema: GCPBackendPolicy#metadata
        '''
        result = self._values.get("metadata")
        return typing.cast(typing.Optional["_cdk8s_d3d9af27.ApiObjectMetadata"], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "GcpBackendPolicyProps(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gcpbackendpolicy_iogkenetworking.GcpBackendPolicySpec",
    jsii_struct_bases=[],
    name_mapping={"target_ref": "targetRef", "default": "default"},
)
class GcpBackendPolicySpec:
    def __init__(
        self,
        *,
        target_ref: typing.Union["GcpBackendPolicySpecTargetRef", typing.Dict[builtins.str, typing.Any]],
        default: typing.Optional[typing.Union["GcpBackendPolicySpecDefault", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> None:
        '''
        :param target_ref: The Service (or ServiceImport) whose backend service the policy configures.
        :param default: 

        :schema: GcpBackendPolicySpec
        '''
        if isinstance(target_ref, dict):
            target_ref = GcpBackendPolicySpecTargetRef(**target_ref)
        if isinstance(default, dict):
            default = GcpBackendPolicySpecDefault(**default)
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__2d57ddf61d2c11c26ced8b8b1621590e900b76d498366651c33f9b9b110e77b0)
            check_type(argname="argument target_ref", value=target_ref, expected_type=type_hints["target_ref"])
            check_type(argname="argument default", value=default, expected_type=type_hints["default"])
        self._values: typing.Dict[builtins.str, typing.Any] = {
            "target_ref": target_ref,
        }
        if default is not None:
            self._values["default"] = default

    @builtins.property
    def target_ref(self) -> "GcpBackendPolicySpecTargetRef":
        '''The Service (or ServiceImport) whose backend service the policy configures.

        :schema: GcpBackendPolicySpec#targetRef
        '''
        result = self._values.get("target_ref")
        assert result is not None, "Required property 'target_ref' is missing"
        return typing.cast("GcpBackendPolicySpecTargetRef", result)

    @builtins.property
    def default(self) -> typing.Optional["GcpBackendPolicySpecDefault"]:
        '''
        :schema: GcpBackendPolicySpec#default
        '''
        result = self._values.get("default")
        return typing.cast(typing.Optional["GcpBackendPolicySpecDefault"], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "GcpBackendPolicySpec(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gcpbackendpolicy_iogkenetworking.GcpBackendPolicySpecDefault",
    jsii_struct_bases=[],
    name_mapping={
        "connection_draining": "connectionDraining",
        "iap": "iap",
        "logging": "logging",
        "max_rate_per_endpoint": "maxRatePerEndpoint",
        "security_policy": "securityPolicy",
        "timeout_sec": "timeoutSec",
    },
)
class GcpBackendPolicySpecDefault:
    def __init__(
        self,
        *,
        connection_draining: typing.Optional[typing.Union["GcpBackendPolicySpecDefaultConnectionDraining", typing.Dict[builtins.str, typing.Any]]] = None,
        iap: typing.Optional[typing.Union["GcpBackendPolicySpecDefaultIap", typing.Dict[builtins.str, typing.Any]]] = None,
        logging: typing.Optional[typing.Union["GcpBackendPolicySpecDefaultLogging", typing.Dict[builtins.str, typing.Any]]] = None,
        max_rate_per_endpoint: typing.Optional[jsii.Number] = None,
        security_policy: typing.Optional[builtins.str] = None,
        timeout_sec: typing.Optional[jsii.Number] = None,
    ) -> None:
        '''
        :param connection_draining: 
        :param iap: 
        :param logging: 
        :param max_rate_per_endpoint: 
        :param security_policy: A Cloud Armor security policy's name.
        :param timeout_sec: The backend service's timeout; the load balancer's default is 30 s.

        :schema: GcpBackendPolicySpecDefault
        '''
        if isinstance(connection_draining, dict):
            connection_draining = GcpBackendPolicySpecDefaultConnectionDraining(**connection_draining)
        if isinstance(iap, dict):
            iap = GcpBackendPolicySpecDefaultIap(**iap)
        if isinstance(logging, dict):
            logging = GcpBackendPolicySpecDefaultLogging(**logging)
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__a8aabfdfeefcdd71bead82d31a3d2d0307476527fce95370b0cb4d4989ed4422)
            check_type(argname="argument connection_draining", value=connection_draining, expected_type=type_hints["connection_draining"])
            check_type(argname="argument iap", value=iap, expected_type=type_hints["iap"])
            check_type(argname="argument logging", value=logging, expected_type=type_hints["logging"])
            check_type(argname="argument max_rate_per_endpoint", value=max_rate_per_endpoint, expected_type=type_hints["max_rate_per_endpoint"])
            check_type(argname="argument security_policy", value=security_policy, expected_type=type_hints["security_policy"])
            check_type(argname="argument timeout_sec", value=timeout_sec, expected_type=type_hints["timeout_sec"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if connection_draining is not None:
            self._values["connection_draining"] = connection_draining
        if iap is not None:
            self._values["iap"] = iap
        if logging is not None:
            self._values["logging"] = logging
        if max_rate_per_endpoint is not None:
            self._values["max_rate_per_endpoint"] = max_rate_per_endpoint
        if security_policy is not None:
            self._values["security_policy"] = security_policy
        if timeout_sec is not None:
            self._values["timeout_sec"] = timeout_sec

    @builtins.property
    def connection_draining(
        self,
    ) -> typing.Optional["GcpBackendPolicySpecDefaultConnectionDraining"]:
        '''
        :schema: GcpBackendPolicySpecDefault#connectionDraining
        '''
        result = self._values.get("connection_draining")
        return typing.cast(typing.Optional["GcpBackendPolicySpecDefaultConnectionDraining"], result)

    @builtins.property
    def iap(self) -> typing.Optional["GcpBackendPolicySpecDefaultIap"]:
        '''
        :schema: GcpBackendPolicySpecDefault#iap
        '''
        result = self._values.get("iap")
        return typing.cast(typing.Optional["GcpBackendPolicySpecDefaultIap"], result)

    @builtins.property
    def logging(self) -> typing.Optional["GcpBackendPolicySpecDefaultLogging"]:
        '''
        :schema: GcpBackendPolicySpecDefault#logging
        '''
        result = self._values.get("logging")
        return typing.cast(typing.Optional["GcpBackendPolicySpecDefaultLogging"], result)

    @builtins.property
    def max_rate_per_endpoint(self) -> typing.Optional[jsii.Number]:
        '''
        :schema: GcpBackendPolicySpecDefault#maxRatePerEndpoint
        '''
        result = self._values.get("max_rate_per_endpoint")
        return typing.cast(typing.Optional[jsii.Number], result)

    @builtins.property
    def security_policy(self) -> typing.Optional[builtins.str]:
        '''A Cloud Armor security policy's name.

        :schema: GcpBackendPolicySpecDefault#securityPolicy
        '''
        result = self._values.get("security_policy")
        return typing.cast(typing.Optional[builtins.str], result)

    @builtins.property
    def timeout_sec(self) -> typing.Optional[jsii.Number]:
        '''The backend service's timeout;

        the load balancer's default is 30 s.

        :schema: GcpBackendPolicySpecDefault#timeoutSec
        '''
        result = self._values.get("timeout_sec")
        return typing.cast(typing.Optional[jsii.Number], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "GcpBackendPolicySpecDefault(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gcpbackendpolicy_iogkenetworking.GcpBackendPolicySpecDefaultConnectionDraining",
    jsii_struct_bases=[],
    name_mapping={"draining_timeout_sec": "drainingTimeoutSec"},
)
class GcpBackendPolicySpecDefaultConnectionDraining:
    def __init__(
        self,
        *,
        draining_timeout_sec: typing.Optional[jsii.Number] = None,
    ) -> None:
        '''
        :param draining_timeout_sec: 

        :schema: GcpBackendPolicySpecDefaultConnectionDraining
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__58874b95698d5b41f34c3bf5f1a98fa586edb488276dbbb727c9bc3582a7cdd7)
            check_type(argname="argument draining_timeout_sec", value=draining_timeout_sec, expected_type=type_hints["draining_timeout_sec"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if draining_timeout_sec is not None:
            self._values["draining_timeout_sec"] = draining_timeout_sec

    @builtins.property
    def draining_timeout_sec(self) -> typing.Optional[jsii.Number]:
        '''
        :schema: GcpBackendPolicySpecDefaultConnectionDraining#drainingTimeoutSec
        '''
        result = self._values.get("draining_timeout_sec")
        return typing.cast(typing.Optional[jsii.Number], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "GcpBackendPolicySpecDefaultConnectionDraining(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gcpbackendpolicy_iogkenetworking.GcpBackendPolicySpecDefaultIap",
    jsii_struct_bases=[],
    name_mapping={
        "client_id": "clientId",
        "enabled": "enabled",
        "oauth2_client_secret": "oauth2ClientSecret",
    },
)
class GcpBackendPolicySpecDefaultIap:
    def __init__(
        self,
        *,
        client_id: typing.Optional[builtins.str] = None,
        enabled: typing.Optional[builtins.bool] = None,
        oauth2_client_secret: typing.Optional[typing.Union["GcpBackendPolicySpecDefaultIapOauth2ClientSecret", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> None:
        '''
        :param client_id: The OAuth client's ID (required when enabled).
        :param enabled: 
        :param oauth2_client_secret: The Secret in the policy's namespace whose key ``key`` holds the client secret.

        :schema: GcpBackendPolicySpecDefaultIap
        '''
        if isinstance(oauth2_client_secret, dict):
            oauth2_client_secret = GcpBackendPolicySpecDefaultIapOauth2ClientSecret(**oauth2_client_secret)
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__b52099b001d71d4819e0e4202ea89d74055227f06da7df3179cd2028e9804db3)
            check_type(argname="argument client_id", value=client_id, expected_type=type_hints["client_id"])
            check_type(argname="argument enabled", value=enabled, expected_type=type_hints["enabled"])
            check_type(argname="argument oauth2_client_secret", value=oauth2_client_secret, expected_type=type_hints["oauth2_client_secret"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if client_id is not None:
            self._values["client_id"] = client_id
        if enabled is not None:
            self._values["enabled"] = enabled
        if oauth2_client_secret is not None:
            self._values["oauth2_client_secret"] = oauth2_client_secret

    @builtins.property
    def client_id(self) -> typing.Optional[builtins.str]:
        '''The OAuth client's ID (required when enabled).

        :schema: GcpBackendPolicySpecDefaultIap#clientID
        '''
        result = self._values.get("client_id")
        return typing.cast(typing.Optional[builtins.str], result)

    @builtins.property
    def enabled(self) -> typing.Optional[builtins.bool]:
        '''
        :schema: GcpBackendPolicySpecDefaultIap#enabled
        '''
        result = self._values.get("enabled")
        return typing.cast(typing.Optional[builtins.bool], result)

    @builtins.property
    def oauth2_client_secret(
        self,
    ) -> typing.Optional["GcpBackendPolicySpecDefaultIapOauth2ClientSecret"]:
        '''The Secret in the policy's namespace whose key ``key`` holds the client secret.

        :schema: GcpBackendPolicySpecDefaultIap#oauth2ClientSecret
        '''
        result = self._values.get("oauth2_client_secret")
        return typing.cast(typing.Optional["GcpBackendPolicySpecDefaultIapOauth2ClientSecret"], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "GcpBackendPolicySpecDefaultIap(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gcpbackendpolicy_iogkenetworking.GcpBackendPolicySpecDefaultIapOauth2ClientSecret",
    jsii_struct_bases=[],
    name_mapping={"name": "name"},
)
class GcpBackendPolicySpecDefaultIapOauth2ClientSecret:
    def __init__(self, *, name: typing.Optional[builtins.str] = None) -> None:
        '''The Secret in the policy's namespace whose key ``key`` holds the client secret.

        :param name: 

        :schema: GcpBackendPolicySpecDefaultIapOauth2ClientSecret
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__d5ac39fd4693931cbc4c25c2b631a1ee94355332a9700410b1ddc87caba17ec1)
            check_type(argname="argument name", value=name, expected_type=type_hints["name"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if name is not None:
            self._values["name"] = name

    @builtins.property
    def name(self) -> typing.Optional[builtins.str]:
        '''
        :schema: GcpBackendPolicySpecDefaultIapOauth2ClientSecret#name
        '''
        result = self._values.get("name")
        return typing.cast(typing.Optional[builtins.str], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "GcpBackendPolicySpecDefaultIapOauth2ClientSecret(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gcpbackendpolicy_iogkenetworking.GcpBackendPolicySpecDefaultLogging",
    jsii_struct_bases=[],
    name_mapping={"enabled": "enabled", "sample_rate": "sampleRate"},
)
class GcpBackendPolicySpecDefaultLogging:
    def __init__(
        self,
        *,
        enabled: typing.Optional[builtins.bool] = None,
        sample_rate: typing.Optional[jsii.Number] = None,
    ) -> None:
        '''
        :param enabled: 
        :param sample_rate: Parts per million of requests logged (1000000 = all).

        :schema: GcpBackendPolicySpecDefaultLogging
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__ee299f01c412960aa9a6cf6aea492faf8f959e01731ce6d768ef8cb828a3ae75)
            check_type(argname="argument enabled", value=enabled, expected_type=type_hints["enabled"])
            check_type(argname="argument sample_rate", value=sample_rate, expected_type=type_hints["sample_rate"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if enabled is not None:
            self._values["enabled"] = enabled
        if sample_rate is not None:
            self._values["sample_rate"] = sample_rate

    @builtins.property
    def enabled(self) -> typing.Optional[builtins.bool]:
        '''
        :schema: GcpBackendPolicySpecDefaultLogging#enabled
        '''
        result = self._values.get("enabled")
        return typing.cast(typing.Optional[builtins.bool], result)

    @builtins.property
    def sample_rate(self) -> typing.Optional[jsii.Number]:
        '''Parts per million of requests logged (1000000 = all).

        :schema: GcpBackendPolicySpecDefaultLogging#sampleRate
        '''
        result = self._values.get("sample_rate")
        return typing.cast(typing.Optional[jsii.Number], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "GcpBackendPolicySpecDefaultLogging(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gcpbackendpolicy_iogkenetworking.GcpBackendPolicySpecTargetRef",
    jsii_struct_bases=[],
    name_mapping={
        "group": "group",
        "kind": "kind",
        "name": "name",
        "namespace": "namespace",
    },
)
class GcpBackendPolicySpecTargetRef:
    def __init__(
        self,
        *,
        group: builtins.str,
        kind: builtins.str,
        name: builtins.str,
        namespace: typing.Optional[builtins.str] = None,
    ) -> None:
        '''The Service (or ServiceImport) whose backend service the policy configures.

        :param group: 
        :param kind: 
        :param name: 
        :param namespace: 

        :schema: GcpBackendPolicySpecTargetRef
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__05732c13c3410ebb2d8926f8329df24fb258cdcbab29d0b97ec19ec0002d2d9a)
            check_type(argname="argument group", value=group, expected_type=type_hints["group"])
            check_type(argname="argument kind", value=kind, expected_type=type_hints["kind"])
            check_type(argname="argument name", value=name, expected_type=type_hints["name"])
            check_type(argname="argument namespace", value=namespace, expected_type=type_hints["namespace"])
        self._values: typing.Dict[builtins.str, typing.Any] = {
            "group": group,
            "kind": kind,
            "name": name,
        }
        if namespace is not None:
            self._values["namespace"] = namespace

    @builtins.property
    def group(self) -> builtins.str:
        '''
        :schema: GcpBackendPolicySpecTargetRef#group
        '''
        result = self._values.get("group")
        assert result is not None, "Required property 'group' is missing"
        return typing.cast(builtins.str, result)

    @builtins.property
    def kind(self) -> builtins.str:
        '''
        :schema: GcpBackendPolicySpecTargetRef#kind
        '''
        result = self._values.get("kind")
        assert result is not None, "Required property 'kind' is missing"
        return typing.cast(builtins.str, result)

    @builtins.property
    def name(self) -> builtins.str:
        '''
        :schema: GcpBackendPolicySpecTargetRef#name
        '''
        result = self._values.get("name")
        assert result is not None, "Required property 'name' is missing"
        return typing.cast(builtins.str, result)

    @builtins.property
    def namespace(self) -> typing.Optional[builtins.str]:
        '''
        :schema: GcpBackendPolicySpecTargetRef#namespace
        '''
        result = self._values.get("namespace")
        return typing.cast(typing.Optional[builtins.str], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "GcpBackendPolicySpecTargetRef(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


__all__ = [
    "GcpBackendPolicy",
    "GcpBackendPolicyProps",
    "GcpBackendPolicySpec",
    "GcpBackendPolicySpecDefault",
    "GcpBackendPolicySpecDefaultConnectionDraining",
    "GcpBackendPolicySpecDefaultIap",
    "GcpBackendPolicySpecDefaultIapOauth2ClientSecret",
    "GcpBackendPolicySpecDefaultLogging",
    "GcpBackendPolicySpecTargetRef",
]

publication.publish()

def _typecheckingstub__4e1f355ed2bc4dc8f70a7f0ffe73950b3b36afcab08368c51e50bcfbf81cf231(
    scope: _constructs_77d1e7e8.Construct,
    id: builtins.str,
    *,
    spec: typing.Union[GcpBackendPolicySpec, typing.Dict[builtins.str, typing.Any]],
    metadata: typing.Optional[typing.Union[_cdk8s_d3d9af27.ApiObjectMetadata, typing.Dict[builtins.str, typing.Any]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__86ed7eef7cda05ba0ec8a2f110eba09fadc93da13113ca4dd110678ab9ab34a1(
    *,
    spec: typing.Union[GcpBackendPolicySpec, typing.Dict[builtins.str, typing.Any]],
    metadata: typing.Optional[typing.Union[_cdk8s_d3d9af27.ApiObjectMetadata, typing.Dict[builtins.str, typing.Any]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__2d57ddf61d2c11c26ced8b8b1621590e900b76d498366651c33f9b9b110e77b0(
    *,
    target_ref: typing.Union[GcpBackendPolicySpecTargetRef, typing.Dict[builtins.str, typing.Any]],
    default: typing.Optional[typing.Union[GcpBackendPolicySpecDefault, typing.Dict[builtins.str, typing.Any]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__a8aabfdfeefcdd71bead82d31a3d2d0307476527fce95370b0cb4d4989ed4422(
    *,
    connection_draining: typing.Optional[typing.Union[GcpBackendPolicySpecDefaultConnectionDraining, typing.Dict[builtins.str, typing.Any]]] = None,
    iap: typing.Optional[typing.Union[GcpBackendPolicySpecDefaultIap, typing.Dict[builtins.str, typing.Any]]] = None,
    logging: typing.Optional[typing.Union[GcpBackendPolicySpecDefaultLogging, typing.Dict[builtins.str, typing.Any]]] = None,
    max_rate_per_endpoint: typing.Optional[jsii.Number] = None,
    security_policy: typing.Optional[builtins.str] = None,
    timeout_sec: typing.Optional[jsii.Number] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__58874b95698d5b41f34c3bf5f1a98fa586edb488276dbbb727c9bc3582a7cdd7(
    *,
    draining_timeout_sec: typing.Optional[jsii.Number] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__b52099b001d71d4819e0e4202ea89d74055227f06da7df3179cd2028e9804db3(
    *,
    client_id: typing.Optional[builtins.str] = None,
    enabled: typing.Optional[builtins.bool] = None,
    oauth2_client_secret: typing.Optional[typing.Union[GcpBackendPolicySpecDefaultIapOauth2ClientSecret, typing.Dict[builtins.str, typing.Any]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__d5ac39fd4693931cbc4c25c2b631a1ee94355332a9700410b1ddc87caba17ec1(
    *,
    name: typing.Optional[builtins.str] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__ee299f01c412960aa9a6cf6aea492faf8f959e01731ce6d768ef8cb828a3ae75(
    *,
    enabled: typing.Optional[builtins.bool] = None,
    sample_rate: typing.Optional[jsii.Number] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__05732c13c3410ebb2d8926f8329df24fb258cdcbab29d0b97ec19ec0002d2d9a(
    *,
    group: builtins.str,
    kind: builtins.str,
    name: builtins.str,
    namespace: typing.Optional[builtins.str] = None,
) -> None:
    """Type checking stubs"""
    pass
