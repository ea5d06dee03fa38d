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


class BackendConfig(
    _cdk8s_d3d9af27.ApiObject,
    metaclass=jsii.JSIIMeta,
    jsii_type="backendconfig_comgooglecloud.BackendConfig",
):
    '''
    :schema: BackendConfig
    '''

    def __init__(
        self,
        scope: "_constructs_77d1e7e8.Construct",
        id: builtins.str,
        *,
        spec: typing.Union["BackendConfigSpec", typing.Dict[builtins.str, typing.Any]],
        metadata: typing.Optional[typing.Union["_cdk8s_d3d9af27.ApiObjectMetadata", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> None:
        '''Defines a "BackendConfig" API object.

        :param scope: the scope in which to define this object.
        :param id: a scope-local name for the object.
        :param spec: 
        :param metadata: 
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__62106e2b3b39343181f62ef0497aa3f9d777cb948c759799af8acdf6c831a775)
            check_type(argname="argument scope", value=scope, expected_type=type_hints["scope"])
            check_type(argname="argument id", value=id, expected_type=type_hints["id"])
        props = BackendConfigProps(spec=spec, metadata=metadata)

        jsii.create(self.__class__, self, [scope, id, props])

    @jsii.member(jsii_name="manifest")
    @builtins.classmethod
    def manifest(
        cls,
        *,
        spec: typing.Union["BackendConfigSpec", typing.Dict[builtins.str, typing.Any]],
        metadata: typing.Optional[typing.Union["_cdk8s_d3d9af27.ApiObjectMetadata", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> typing.Any:
        '''Renders a Kubernetes manifest for "BackendConfig".

        This can be used to inline resource manifests inside other objects (e.g. as templates).

        :param spec: 
        :param metadata: 
        '''
        props = BackendConfigProps(spec=spec, metadata=metadata)

        return typing.cast(typing.Any, jsii.sinvoke(cls, "manifest", [props]))

    @jsii.member(jsii_name="toJson")
    def to_json(self) -> typing.Any:
        '''Renders the object to Kubernetes JSON.'''
        return typing.cast(typing.Any, jsii.invoke(self, "toJson", []))

    @jsii.python.classproperty
    @jsii.member(jsii_name="GVK")
    def GVK(cls) -> "_cdk8s_d3d9af27.GroupVersionKind":
        '''Returns the apiVersion and kind for "BackendConfig".'''
        return typing.cast("_cdk8s_d3d9af27.GroupVersionKind", jsii.sget(cls, "GVK"))


@jsii.data_type(
    jsii_type="backendconfig_comgooglecloud.BackendConfigProps",
    jsii_struct_bases=[],
    name_mapping={"spec": "spec", "metadata": "metadata"},
)
class BackendConfigProps:
    def __init__(
        self,
        *,
        spec: typing.Union["BackendConfigSpec", typing.Dict[builtins.str, typing.Any]],
        metadata: typing.Optional[typing.Union["_cdk8s_d3d9af27.ApiObjectMetadata", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> None:
        '''
        :param spec: 
        :param metadata: 

        :schema: BackendConfig
        '''
        if isinstance(spec, dict):
            spec = BackendConfigSpec(**spec)
        if isinstance(metadata, dict):
            metadata = _cdk8s_d3d9af27.ApiObjectMetadata(**metadata)
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__64991afac4804014c27ae8f40cfe61684d94c5d8336e0f7cacf539fdf234f367)
            check_type(argname="argument spec", value=spec, expected_type=type_hints["spec"])
            check_type(argname="argument metadata", value=metadata, expected_type=type_hints["metadata"])
        self._values: typing.Dict[builtins.str, typing.Any] = {
            "spec": spec,
        }
        if metadata is not None:
            self._values["metadata"] = metadata

    @builtins.property
    def spec(self) -> "BackendConfigSpec":
        '''
        :schema: BackendConfig#spec
        '''
        result = self._values.get("spec")
        assert result is not None, "Required property 'spec' is missing"
        return typing.cast("BackendConfigSpec", result)

    @builtins.property
    def metadata(self) -> typing.Optional["_cdk8s_d3d9af27.ApiObjectMetadata"]:
        '''
        :schema: BackendConfig#metadata
        '''
        result = self._values.get("metadata")
        return typing.cast(typing.Optional["_cdk8s_d3d9af27.ApiObjectMetadata"], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "BackendConfigProps(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="backendconfig_comgooglecloud.BackendConfigSpec",
    jsii_struct_bases=[],
    name_mapping={
        "connection_draining": "connectionDraining",
        "health_check": "healthCheck",
        "iap": "iap",
        "logging": "logging",
        "security_policy": "securityPolicy",
        "timeout_sec": "timeoutSec",
    },
)
class BackendConfigSpec:
    def __init__(
        self,
        *,
        connection_draining: typing.Optional[typing.Union["BackendConfigSpecConnectionDraining", typing.Dict[builtins.str, typing.Any]]] = None,
        health_check: typing.Optional[typing.Union["BackendConfigSpecHealthCheck", typing.Dict[builtins.str, typing.Any]]] = None,
        iap: typing.Optional[typing.Union["BackendConfigSpecIap", typing.Dict[builtins.str, typing.Any]]] = None,
        logging: typing.Optional[typing.Union["BackendConfigSpecLogging", typing.Dict[builtins.str, typing.Any]]] = None,
        security_policy: typing.Optional[typing.Union["BackendConfigSpecSecurityPolicy", typing.Dict[builtins.str, typing.Any]]] = None,
        timeout_sec: typing.Optional[jsii.Number] = None,
    ) -> None:
        '''
        :param connection_draining: 
        :param health_check: 
        :param iap: 
        :param logging: 
        :param security_policy: The Cloud Armor security policy on the backend service (ingress-configuration#cloud_armor).
        :param timeout_sec: Backend service timeout (seconds) for a whole request/response.

        :schema: BackendConfigSpec
        '''
        if isinstance(connection_draining, dict):
            connection_draining = BackendConfigSpecConnectionDraining(**connection_draining)
        if isinstance(health_check, dict):
            health_check = BackendConfigSpecHealthCheck(**health_check)
        if isinstance(iap, dict):
            iap = BackendConfigSpecIap(**iap)
        if isinstance(logging, dict):
            logging = BackendConfigSpecLogging(**logging)
        if isinstance(security_policy, dict):
            security_policy = BackendConfigSpecSecurityPolicy(**security_policy)
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__c3eb3705a74fa9566647d852bb5a8fe05da9f8ce70a2e53241c01825c7554584)
            check_type(argname="argument connection_draining", value=connection_draining, expected_type=type_hints["connection_draining"])
            check_type(argname="argument health_check", value=health_check, expected_type=type_hints["health_check"])
            check_type(argname="argument iap", value=iap, expected_type=type_hints["iap"])
            check_type(argname="argument logging", value=logging, expected_type=type_hints["logging"])
            check_type(argname="argument security_policy", value=security_policy, expected_type=type_hints["security_policy"])
            check_type(argname="argument timeout_sec", value=timeout_sec, expected_type=type_hints["timeout_sec"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if connection_draining is not None:
            self._values["connection_draining"] = connection_draining
        if health_check is not None:
            self._values["health_check"] = health_check
        if iap is not None:
            self._values["iap"] = iap
        if logging is not None:
            self._values["logging"] = logging
        if security_policy is not None:
            self._values["security_policy"] = security_policy
        if timeout_sec is not None:
            self._values["timeout_sec"] = timeout_sec

    @builtins.property
    def connection_draining(
        self,
    ) -> typing.Optional["BackendConfigSpecConnectionDraining"]:
        '''
        :schema: BackendConfigSpec#connectionDraining
        '''
        result = self._values.get("connection_draining")
        return typing.cast(typing.Optional["BackendConfigSpecConnectionDraining"], result)

    @builtins.property
    def health_check(self) -> typing.Optional["BackendConfigSpecHealthCheck"]:
        '''
        :schema: BackendConfigSpec#healthCheck
        '''
        result = self._values.get("health_check")
        return typing.cast(typing.Optional["BackendConfigSpecHealthCheck"], result)

    @builtins.property
    def iap(self) -> typing.Optional["BackendConfigSpecIap"]:
        '''
        :schema: BackendConfigSpec#iap
        '''
        result = self._values.get("iap")
        return typing.cast(typing.Optional["BackendConfigSpecIap"], result)

    @builtins.property
    def logging(self) -> typing.Optional["BackendConfigSpecLogging"]:
        '''
        :schema: BackendConfigSpec#logging
        '''
        result = self._values.get("logging")
        return typing.cast(typing.Optional["BackendConfigSpecLogging"], result)

    @builtins.property
    def security_policy(self) -> typing.Optional["BackendConfigSpecSecurityPolicy"]:
        '''The Cloud Armor security policy on the backend service (ingress-configuration#cloud_armor).

        :schema: BackendConfigSpec#securityPolicy
        '''
        result = self._values.get("security_policy")
        return typing.cast(typing.Optional["BackendConfigSpecSecurityPolicy"], result)

    @builtins.property
    def timeout_sec(self) -> typing.Optional[jsii.Number]:
        '''Backend service timeout (seconds) for a whole request/response.

        :schema: BackendConfigSpec#timeoutSec
        '''
        result = self._values.get("timeout_sec")
        return typing.cast(typing.Optional[jsii.Number], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "BackendConfigSpec(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="backendconfig_comgooglecloud.BackendConfigSpecConnectionDraining",
    jsii_struct_bases=[],
    name_mapping={"draining_timeout_sec": "drainingTimeoutSec"},
)
class BackendConfigSpecConnectionDraining:
    def __init__(
        self,
        *,
        draining_timeout_sec: typing.Optional[jsii.Number] = None,
    ) -> None:
        '''
        :param draining_timeout_sec: 

        :schema: BackendConfigSpecConnectionDraining
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__dcaab623843ed6ef157d8973b7254d3c0874490aa5f7b23ca2158bc198b368f7)
            check_type(argname="argument draining_timeout_sec", value=draining_timeout_sec, expected_type=type_hints["draining_timeout_sec"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if draining_timeout_sec is not None:
            self._values["draining_timeout_sec"] = draining_timeout_sec

    @builtins.property
    def draining_timeout_sec(self) -> typing.Optional[jsii.Number]:
        '''
        :schema: BackendConfigSpecConnectionDraining#drainingTimeoutSec
        '''
        result = self._values.get("draining_timeout_sec")
        return typing.cast(typing.Optional[jsii.Number], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "BackendConfigSpecConnectionDraining(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="backendconfig_comgooglecloud.BackendConfigSpecHealthCheck",
    jsii_struct_bases=[],
    name_mapping={
        "check_interval_sec": "checkIntervalSec",
        "healthy_threshold": "healthyThreshold",
        "port": "port",
        "request_path": "requestPath",
        "timeout_sec": "timeoutSec",
        "type": "type",
        "unhealthy_threshold": "unhealthyThreshold",
    },
)
class BackendConfigSpecHealthCheck:
    def __init__(
        self,
        *,
        check_interval_sec: typing.Optional[jsii.Number] = None,
        healthy_threshold: typing.Optional[jsii.Number] = None,
        port: typing.Optional[jsii.Number] = None,
        request_path: typing.Optional[builtins.str] = None,
        timeout_sec: typing.Optional[jsii.Number] = None,
        type: typing.Optional["BackendConfigSpecHealthCheckType"] = None,
        unhealthy_threshold: typing.Optional[jsii.Number] = None,
    ) -> None:
        '''
        :param check_interval_sec: 
        :param healthy_threshold: 
        :param port: 
        :param request_path: 
        :param timeout_sec: 
        :param type: 
        :param unhealthy_threshold: 

        :schema: BackendConfigSpecHealthCheck
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__f85d829e8ac1b95d0840b548f70792684b1f73ba00e330142a0423f2c69e025a)
            check_type(argname="argument check_interval_sec", value=check_interval_sec, expected_type=type_hints["check_interval_sec"])
            check_type(argname="argument healthy_threshold", value=healthy_threshold, expected_type=type_hints["healthy_threshold"])
            check_type(argname="argument port", value=port, expected_type=type_hints["port"])
            check_type(argname="argument request_path", value=request_path, expected_type=type_hints["request_path"])
            check_type(argname="argument timeout_sec", value=timeout_sec, expected_type=type_hints["timeout_sec"])
            check_type(argname="argument type", value=type, expected_type=type_hints["type"])
            check_type(argname="argument unhealthy_threshold", value=unhealthy_threshold, expected_type=type_hints["unhealthy_threshold"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if check_interval_sec is not None:
            self._values["check_interval_sec"] = check_interval_sec
        if healthy_threshold is not None:
            self._values["healthy_threshold"] = healthy_threshold
        if port is not None:
            self._values["port"] = port
        if request_path is not None:
            self._values["request_path"] = request_path
        if timeout_sec is not None:
            self._values["timeout_sec"] = timeout_sec
        if type is not None:
            self._values["type"] = type
        if unhealthy_threshold is not None:
            self._values["unhealthy_threshold"] = unhealthy_threshold

    @builtins.property
    def check_interval_sec(self) -> typing.Optional[jsii.Number]:
        '''
        :schema: BackendConfigSpecHealthCheck#checkIntervalSec
        '''
        result = self._values.get("check_interval_sec")
        return typing.cast(typing.Optional[jsii.Number], result)

    @builtins.property
    def healthy_threshold(self) -> typing.Optional[jsii.Number]:
        '''
        :schema: BackendConfigSpecHealthCheck#healthyThreshold
        '''
        result = self._values.get("healthy_threshold")
        return typing.cast(typing.Optional[jsii.Number], result)

    @builtins.property
    def port(self) -> typing.Optional[jsii.Number]:
        '''
        :schema: BackendConfigSpecHealthCheck#port
        '''
        result = self._values.get("port")
        return typing.cast(typing.Optional[jsii.Number], result)

    @builtins.property
    def request_path(self) -> typing.Optional[builtins.str]:
        '''
        :schema: BackendConfigSpecHealthCheck#requestPath
        '''
        result = self._values.get("request_path")
        return typing.cast(typing.Optional[builtins.str], result)

    @builtins.property
    def timeout_sec(self) -> typing.Optional[jsii.Number]:
        '''
        :schema: BackendConfigSpecHealthCheck#timeoutSec
        '''
        result = self._values.get("timeout_sec")
        return typing.cast(typing.Optional[jsii.Number], result)

    @builtins.property
    def type(self) -> typing.Optional["BackendConfigSpecHealthCheckType"]:
        '''
        :schema: BackendConfigSpecHealthCheck#type
        '''
        result = self._values.get("type")
        return typing.cast(typing.Optional["BackendConfigSpecHealthCheckType"], result)

    @builtins.property
    def unhealthy_threshold(self) -> typing.Optional[jsii.Number]:
        '''
        :schema: BackendConfigSpecHealthCheck#unhealthyThreshold
        '''
        result = self._values.get("unhealthy_threshold")
        return typing.cast(typing.Optional[jsii.Number], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "BackendConfigSpecHealthCheck(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.enum(jsii_type="backendconfig_comgooglecloud.BackendConfigSpecHealthCheckType")
class BackendConfigSpecHealthCheckType(enum.Enum):
    '''
    :schema: BackendConfigSpecHealthCheckType
    '''

    HTTP = "HTTP"
    '''HTTP.'''
    HTTPS = "HTTPS"
    '''HTTPS.'''
    HTTP2 = "HTTP2"
    '''HTTP2.'''


@jsii.data_type(
    jsii_type="backendconfig_comgooglecloud.BackendConfigSpecIap",
    jsii_struct_bases=[],
    name_mapping={
        "enabled": "enabled",
        "oauthclient_credentials": "oauthclientCredentials",
    },
)
class BackendConfigSpecIap:
    def __init__(
        self,
        *,
        enabled: builtins.bool,
        oauthclient_credentials: typing.Optional[typing.Union["BackendConfigSpecIapOauthclientCredentials", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> None:
        '''
        :param enabled: 
        :param oauthclient_credentials: Absent = the Google-managed OAuth client.

        :schema: BackendConfigSpecIap
        '''
        if isinstance(oauthclient_credentials, dict):
            oauthclient_credentials = BackendConfigSpecIapOauthclientCredentials(**oauthclient_credentials)
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__21f291dcb7b0b2e21207121cefc4b198170e8ca0622ed8e5fdb95ccb949c8f7d)
            check_type(argname="argument enabled", value=enabled, expected_type=type_hints["enabled"])
            check_type(argname="argument oauthclient_credentials", value=oauthclient_credentials, expected_type=type_hints["oauthclient_credentials"])
        self._values: typing.Dict[builtins.str, typing.Any] = {
            "enabled": enabled,
        }
        if oauthclient_credentials is not None:
            self._values["oauthclient_credentials"] = oauthclient_credentials

    @builtins.property
    def enabled(self) -> builtins.bool:
        '''
        :schema: BackendConfigSpecIap#enabled
        '''
        result = self._values.get("enabled")
        assert result is not None, "Required property 'enabled' is missing"
        return typing.cast(builtins.bool, result)

    @builtins.property
    def oauthclient_credentials(
        self,
    ) -> typing.Optional["BackendConfigSpecIapOauthclientCredentials"]:
        '''Absent = the Google-managed OAuth client.

        :schema: BackendConfigSpecIap#oauthclientCredentials
        '''
        result = self._values.get("oauthclient_credentials")
        return typing.cast(typing.Optional["BackendConfigSpecIapOauthclientCredentials"], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "BackendConfigSpecIap(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="backendconfig_comgooglecloud.BackendConfigSpecIapOauthclientCredentials",
    jsii_struct_bases=[],
    name_mapping={"secret_name": "secretName"},
)
class BackendConfigSpecIapOauthclientCredentials:
    def __init__(self, *, secret_name: builtins.str) -> None:
        '''Absent = the Google-managed OAuth client.

        :param secret_name: 

        :schema: BackendConfigSpecIapOauthclientCredentials
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__fac9b5f4787a9df12896d946fd74b178baa649a76a7db0e238173bcf51ab3153)
            check_type(argname="argument secret_name", value=secret_name, expected_type=type_hints["secret_name"])
        self._values: typing.Dict[builtins.str, typing.Any] = {
            "secret_name": secret_name,
        }

    @builtins.property
    def secret_name(self) -> builtins.str:
        '''
        :schema: BackendConfigSpecIapOauthclientCredentials#secretName
        '''
        result = self._values.get("secret_name")
        assert result is not None, "Required property 'secret_name' is missing"
        return typing.cast(builtins.str, result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "BackendConfigSpecIapOauthclientCredentials(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="backendconfig_comgooglecloud.BackendConfigSpecLogging",
    jsii_struct_bases=[],
    name_mapping={"enable": "enable", "sample_rate": "sampleRate"},
)
class BackendConfigSpecLogging:
    def __init__(
        self,
        *,
        enable: typing.Optional[builtins.bool] = None,
        sample_rate: typing.Optional[jsii.Number] = None,
    ) -> None:
        '''
        :param enable: 
        :param sample_rate: 

        :schema: BackendConfigSpecLogging
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__47934db7483ed48f7cab98e408b0021013282be0613d2db377534eb5c02c3f8c)
            check_type(argname="argument enable", value=enable, expected_type=type_hints["enable"])
            check_type(argname="argument sample_rate", value=sample_rate, expected_type=type_hints["sample_rate"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if enable is not None:
            self._values["enable"] = enable
        if sample_rate is not None:
            self._values["sample_rate"] = sample_rate

    @builtins.property
    def enable(self) -> typing.Optional[builtins.bool]:
        '''
        :schema: BackendConfigSpecLogging#enable
        '''
        result = self._values.get("enable")
        return typing.cast(typing.Optional[builtins.bool], result)

    @builtins.property
    def sample_rate(self) -> typing.Optional[jsii.Number]:
        '''
        :schema: BackendConfigSpecLogging#sampleRate
        '''
        result = self._values.get("sample_rate")
        return typing.cast(typing.Optional[jsii.Number], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "BackendConfigSpecLogging(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="backendconfig_comgooglecloud.BackendConfigSpecSecurityPolicy",
    jsii_struct_bases=[],
    name_mapping={"name": "name"},
)
class BackendConfigSpecSecurityPolicy:
    def __init__(self, *, name: builtins.str) -> None:
        '''The Cloud Armor security policy on the backend service (ingress-configuration#cloud_armor).

        :param name: 

        :schema: BackendConfigSpecSecurityPolicy
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__39e6f695e64a7f5173398a789727f54a176eb60e2f3477a7c30ce758d04f01a3)
            check_type(argname="argument name", value=name, expected_type=type_hints["name"])
        self._values: typing.Dict[builtins.str, typing.Any] = {
            "name": name,
        }

    @builtins.property
    def name(self) -> builtins.str:
        '''
        :schema: BackendConfigSpecSecurityPolicy#name
        '''
        result = self._values.get("name")
        assert result is not None, "Required property 'name' is missing"
        return typing.cast(builtins.str, result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "BackendConfigSpecSecurityPolicy(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


__all__ = [
    "BackendConfig",
    "BackendConfigProps",
    "BackendConfigSpec",
    "BackendConfigSpecConnectionDraining",
    "BackendConfigSpecHealthCheck",
    "BackendConfigSpecHealthCheckType",
    "BackendConfigSpecIap",
    "BackendConfigSpecIapOauthclientCredentials",
    "BackendConfigSpecLogging",
    "BackendConfigSpecSecurityPolicy",
]

publication.publish()

def _typecheckingstub__62106e2b3b39343181f62ef0497aa3f9d777cb948c759799af8acdf6c831a775(
    scope: _constructs_77d1e7e8.Construct,
    id: builtins.str,
    *,
    spec: typing.Union[BackendConfigSpec, typing.Dict[builtins.str, typing.Any]],
    metadata: typing.Optional[typing.Union[_cdk8s_d3d9af27.ApiObjectMetadata, typing.Dict[builtins.str, typing.Any]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__64991afac4804014c27ae8f40cfe61684d94c5d8336e0f7cacf539fdf234f367(
    *,
    spec: typing.Union[BackendConfigSpec, typing.Dict[builtins.str, typing.Any]],
    metadata: typing.Optional[typing.Union[_cdk8s_d3d9af27.ApiObjectMetadata, typing.Dict[builtins.str, typing.Any]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__c3eb3705a74fa9566647d852bb5a8fe05da9f8ce70a2e53241c01825c7554584(
    *,
    connection_draining: typing.Optional[typing.Union[BackendConfigSpecConnectionDraining, typing.Dict[builtins.str, typing.Any]]] = None,
    health_check: typing.Optional[typing.Union[BackendConfigSpecHealthCheck, typing.Dict[builtins.str, typing.Any]]] = None,
    iap: typing.Optional[typing.Union[BackendConfigSpecIap, typing.Dict[builtins.str, typing.Any]]] = None,
    logging: typing.Optional[typing.Union[BackendConfigSpecLogging, typing.Dict[builtins.str, typing.Any]]] = None,
    security_policy: typing.Optional[typing.Union[BackendConfigSpecSecurityPolicy, typing.Dict[builtins.str, typing.Any]]] = None,
    timeout_sec: typing.Optional[jsii.Number] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__dcaab623843ed6ef157d8973b7254d3c0874490aa5f7b23ca2158bc198b368f7(
    *,
    draining_timeout_sec: typing.Optional[jsii.Number] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__f85d829e8ac1b95d0840b548f70792684b1f73ba00e330142a0423f2c69e025a(
    *,
    check_interval_sec: typing.Optional[jsii.Number] = None,
    healthy_threshold: typing.Optional[jsii.Number] = None,
    port: typing.Optional[jsii.Number] = None,
    request_path: typing.Optional[builtins.str] = None,
    timeout_sec: typing.Optional[jsii.Number] = None,
    type: typing.Optional[BackendConfigSpecHealthCheckType] = None,
    unhealthy_threshold: typing.Optional[jsii.Number] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__21f291dcb7b0b2e21207121cefc4b198170e8ca0622ed8e5fdb95ccb949c8f7d(
    *,
    enabled: builtins.bool,
    oauthclient_credentials: typing.Optional[typing.Union[BackendConfigSpecIapOauthclientCredentials, typing.Dict[builtins.str, typing.Any]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__fac9b5f4787a9df12896d946fd74b178baa649a76a7db0e238173bcf51ab3153(
    *,
    secret_name: builtins.str,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__47934db7483ed48f7cab98e408b0021013282be0613d2db377534eb5c02c3f8c(
    *,
    enable: typing.Optional[builtins.bool] = None,
    sample_rate: typing.Optional[jsii.Number] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__39e6f695e64a7f5173398a789727f54a176eb60e2f3477a7c30ce758d04f01a3(
    *,
    name: builtins.str,
) -> None:
    """Type checking stubs"""
    pass
