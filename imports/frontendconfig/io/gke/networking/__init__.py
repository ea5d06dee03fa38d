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


class FrontendConfig(
    _cdk8s_d3d9af27.ApiObject,
    metaclass=jsii.JSIIMeta,
    jsii_type="frontendconfig_iogkenetworking.FrontendConfig",
):
    '''
    :schema: FrontendConfig
    '''

    def __init__(
        self,
        scope: "_constructs_77d1e7e8.Construct",
        id: builtins.str,
        *,
        spec: typing.Union["FrontendConfigSpec", typing.Dict[builtins.str, typing.Any]],
        metadata: typing.Optional[typing.Union["_cdk8s_d3d9af27.ApiObjectMetadata", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> None:
        '''Defines a "FrontendConfig" API object.

        :param scope: the scope in which to define this object.
        :param id: a scope-local name for the object.
        :param spec: 
        :param metadata: 
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__4f4f587f2c023b2f63eaab5630cf2f554f78dcca53d85f39131e31aafaa3dbff)
            check_type(argname="argument scope", value=scope, expected_type=type_hints["scope"])
            check_type(argname="argument id", value=id, expected_type=type_hints["id"])
        props = FrontendConfigProps(spec=spec, metadata=metadata)

        jsii.create(self.__class__, self, [scope, id, props])

    @jsii.member(jsii_name="manifest")
    @builtins.classmethod
    def manifest(
        cls,
        *,
        spec: typing.Union["FrontendConfigSpec", typing.Dict[builtins.str, typing.Any]],
        metadata: typing.Optional[typing.Union["_cdk8s_d3d9af27.ApiObjectMetadata", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> typing.Any:
        '''Renders a Kubernetes manifest for "FrontendConfig".

        This can be used to inline resource manifests inside other objects (e.g. as templates).

        :param spec: 
        :param metadata: 
        '''
        props = FrontendConfigProps(spec=spec, metadata=metadata)

        return typing.cast(typing.Any, jsii.sinvoke(cls, "manifest", [props]))

    @jsii.member(jsii_name="toJson")
    def to_json(self) -> typing.Any:
        '''Renders the object to Kubernetes JSON.'''
        return typing.cast(typing.Any, jsii.invoke(self, "toJson", []))

    @jsii.python.classproperty
    @jsii.member(jsii_name="GVK")
    def GVK(cls) -> "_cdk8s_d3d9af27.GroupVersionKind":
        '''Returns the apiVersion and kind for "FrontendConfig".'''
        return typing.cast("_cdk8s_d3d9af27.GroupVersionKind", jsii.sget(cls, "GVK"))


@jsii.data_type(
    jsii_type="frontendconfig_iogkenetworking.FrontendConfigProps",
    jsii_struct_bases=[],
    name_mapping={"spec": "spec", "metadata": "metadata"},
)
class FrontendConfigProps:
    def __init__(
        self,
        *,
        spec: typing.Union["FrontendConfigSpec", typing.Dict[builtins.str, typing.Any]],
        metadata: typing.Optional[typing.Union["_cdk8s_d3d9af27.ApiObjectMetadata", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> None:
        '''
        :param spec: 
        :param metadata: 

        :schema: FrontendConfig
        '''
        if isinstance(spec, dict):
            spec = FrontendConfigSpec(**spec)
        if isinstance(metadata, dict):
            metadata = _cdk8s_d3d9af27.ApiObjectMetadata(**metadata)
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__91a71da7769d6767c969bbda1f47443e9f84a49cf3d86259464616746e3fa846)
            check_type(argname="argument spec", value=spec, expected_type=type_hints["spec"])
            check_type(argname="argument metadata", value=metadata, expected_type=type_hints["metadata"])
        self._values: typing.Dict[builtins.str, typing.Any] = {
            "spec": spec,
        }
        if metadata is not None:
            self._values["metadata"] = metadata

    @builtins.property
    def spec(self) -> "FrontendConfigSpec":
        '''
        :schema: FrontendConfig#spec
        '''
        result = self._values.get("spec")
        assert result is not None, "Required property 'spec' is missing"
        return typing.cast("FrontendConfigSpec", result)

    @builtins.property
    def metadata(self) -> typing.Optional["_cdk8s_d3d9af27.ApiObjectMetadata"]:
        '''
        :schema: FrontendConfig#metadata
        '''
        result = self._values.get("metadata")
        return typing.cast(typing.Optional["_cdk8s_d3d9af27.ApiObjectMetadata"], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "FrontendConfigProps(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="frontendconfig_iogkenetworking.FrontendConfigSpec",
    jsii_struct_bases=[],
    name_mapping={"redirect_to_https": "redirectToHttps", "ssl_policy": "sslPolicy"},
)
class FrontendConfigSpec:
    def __init__(
        self,
        *,
        redirect_to_https: typing.Optional[typing.Union["FrontendConfigSpecRedirectToHttps", typing.Dict[builtins.str, typing.Any]]] = None,
        ssl_policy: typing.Optional[builtins.str] = None,
    ) -> None:
        '''
        :param redirect_to_https: 
        :param ssl_policy: Name of a Compute Engine SSL policy in the project.

        :schema: FrontendConfigSpec
        '''
        if isinstance(redirect_to_https, dict):
            redirect_to_https = FrontendConfigSpecRedirectToHttps(**redirect_to_https)
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__4e809a8316b50218266a8c2ee81f06179a444aedc87689f5ba8fbd13a1a2c833)
            check_type(argname="argument redirect_to_https", value=redirect_to_https, expected_type=type_hints["redirect_to_https"])
            check_type(argname="argument ssl_policy", value=ssl_policy, expected_type=type_hints["ssl_policy"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if redirect_to_https is not None:
            self._values["redirect_to_https"] = redirect_to_https
        if ssl_policy is not None:
            self._values["ssl_policy"] = ssl_policy

    @builtins.property
    def redirect_to_https(self) -> typing.Optional["FrontendConfigSpecRedirectToHttps"]:
        '''
        :schema: FrontendConfigSpec#redirectToHttps
        '''
        result = self._values.get("redirect_to_https")
        return typing.cast(typing.Optional["FrontendConfigSpecRedirectToHttps"], result)

    @builtins.property
    def ssl_policy(self) -> typing.Optional[builtins.str]:
        '''Name of a Compute Engine SSL policy in the project.

        :schema: FrontendConfigSpec#sslPolicy
        '''
        result = self._values.get("ssl_policy")
        return typing.cast(typing.Optional[builtins.str], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "FrontendConfigSpec(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="frontendconfig_iogkenetworking.FrontendConfigSpecRedirectToHttps",
    jsii_struct_bases=[],
    name_mapping={"enabled": "enabled", "response_code_name": "responseCodeName"},
)
class FrontendConfigSpecRedirectToHttps:
    def __init__(
        self,
        *,
        enabled: builtins.bool,
        response_code_name: typing.Optional["FrontendConfigSpecRedirectToHttpsResponseCodeName"] = None,
    ) -> None:
        '''
        :param enabled: 
        :param response_code_name: 

        :schema: FrontendConfigSpecRedirectToHttps
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__bd8581c0aaf856fbc13f189e9e5169af1e68ac464de0740f28cb90b859370f9f)
            check_type(argname="argument enabled", value=enabled, expected_type=type_hints["enabled"])
            check_type(argname="argument response_code_name", value=response_code_name, expected_type=type_hints["response_code_name"])
        self._values: typing.Dict[builtins.str, typing.Any] = {
            "enabled": enabled,
        }
        if response_code_name is not None:
            self._values["response_code_name"] = response_code_name

    @builtins.property
    def enabled(self) -> builtins.bool:
        '''
        :schema: FrontendConfigSpecRedirectToHttps#enabled
        '''
        result = self._values.get("enabled")
        assert result is not None, "Required property 'enabled' is missing"
        return typing.cast(builtins.bool, result)

    @builtins.property
    def response_code_name(
        self,
    ) -> typing.Optional["FrontendConfigSpecRedirectToHttpsResponseCodeName"]:
        '''
        :schema: FrontendConfigSpecRedirectToHttps#responseCodeName
        '''
        result = self._values.get("response_code_name")
        return typing.cast(typing.Optional["FrontendConfigSpecRedirectToHttpsResponseCodeName"], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "FrontendConfigSpecRedirectToHttps(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.enum(
    jsii_type="frontendconfig_iogkenetworking.FrontendConfigSpecRedirectToHttpsResponseCodeName"
)
class FrontendConfigSpecRedirectToHttpsResponseCodeName(enum.Enum):
    '''
    :schema: FrontendConfigSpecRedirectToHttpsResponseCodeName
    '''

    MOVED_UNDERSCORE_PERMANENTLY_UNDERSCORE_DEFAULT = "MOVED_UNDERSCORE_PERMANENTLY_UNDERSCORE_DEFAULT"
    '''MOVED_PERMANENTLY_DEFAULT.'''
    FOUND = "FOUND"
    '''FOUND.'''
    SEE_UNDERSCORE_OTHER = "SEE_UNDERSCORE_OTHER"
    '''SEE_OTHER.'''
    TEMPORARY_UNDERSCORE_REDIRECT = "TEMPORARY_UNDERSCORE_REDIRECT"
    '''TEMPORARY_REDIRECT.'''
    PERMANENT_UNDERSCORE_REDIRECT = "PERMANENT_UNDERSCORE_REDIRECT"
    '''PERMANENT_REDIRECT.'''


__all__ = [
    "FrontendConfig",
    "FrontendConfigProps",
    "FrontendConfigSpec",
    "FrontendConfigSpecRedirectToHttps",
    "FrontendConfigSpecRedirectToHttpsResponseCodeName",
]

publication.publish()

def _typecheckingstub__4f4f587f2c023b2f63eaab5630cf2f554f78dcca53d85f39131e31aafaa3dbff(
    scope: _constructs_77d1e7e8.Construct,
    id: builtins.str,
    *,
    spec: typing.Union[FrontendConfigSpec, typing.Dict[builtins.str, typing.Any]],
    metadata: typing.Optional[typing.Union[_cdk8s_d3d9af27.ApiObjectMetadata, typing.Dict[builtins.str, typing.Any]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__91a71da7769d6767c969bbda1f47443e9f84a49cf3d86259464616746e3fa846(
    *,
    spec: typing.Union[FrontendConfigSpec, typing.Dict[builtins.str, typing.Any]],
    metadata: typing.Optional[typing.Union[_cdk8s_d3d9af27.ApiObjectMetadata, typing.Dict[builtins.str, typing.Any]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__4e809a8316b50218266a8c2ee81f06179a444aedc87689f5ba8fbd13a1a2c833(
    *,
    redirect_to_https: typing.Optional[typing.Union[FrontendConfigSpecRedirectToHttps, typing.Dict[builtins.str, typing.Any]]] = None,
    ssl_policy: typing.Optional[builtins.str] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__bd8581c0aaf856fbc13f189e9e5169af1e68ac464de0740f28cb90b859370f9f(
    *,
    enabled: builtins.bool,
    response_code_name: typing.Optional[FrontendConfigSpecRedirectToHttpsResponseCodeName] = None,
) -> None:
    """Type checking stubs"""
    pass
