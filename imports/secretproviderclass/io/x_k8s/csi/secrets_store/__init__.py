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


class SecretProviderClass(
    _cdk8s_d3d9af27.ApiObject,
    metaclass=jsii.JSIIMeta,
    jsii_type="secretproviderclass_iox-k8scsisecrets-store.SecretProviderClass",
):
    '''
    :schema: SecretProviderClass
    '''

    def __init__(
        self,
        scope: "_constructs_77d1e7e8.Construct",
        id: builtins.str,
        *,
        spec: typing.Union["SecretProviderClassSpec", typing.Dict[builtins.str, typing.Any]],
        metadata: typing.Optional[typing.Union["_cdk8s_d3d9af27.ApiObjectMetadata", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> None:
        '''Defines a "SecretProviderClass" API object.

        :param scope: the scope in which to define this object.
        :param id: a scope-local name for the object.
        :param spec: 
        :param metadata: 
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__d423dd890044cee78a20f29a621f7a75dddbbba26728618527cf73c901a40d56)
            check_type(argname="argument scope", value=scope, expected_type=type_hints["scope"])
            check_type(argname="argument id", value=id, expected_type=type_hints["id"])
        props = SecretProviderClassProps(spec=spec, metadata=metadata)

        jsii.create(self.__class__, self, [scope, id, props])

    @jsii.member(jsii_name="manifest")
    @builtins.classmethod
    def manifest(
        cls,
        *,
        spec: typing.Union["SecretProviderClassSpec", typing.Dict[builtins.str, typing.Any]],
        metadata: typing.Optional[typing.Union["_cdk8s_d3d9af27.ApiObjectMetadata", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> typing.Any:
        '''Renders a Kubernetes manifest for "SecretProviderClass".

        This can be used to inline resource manifests inside other objects (e.g. as templates).

        :param spec: 
        :param metadata: 
        '''
        props = SecretProviderClassProps(spec=spec, metadata=metadata)

        return typing.cast(typing.Any, jsii.sinvoke(cls, "manifest", [props]))

    @jsii.member(jsii_name="toJson")
    def to_json(self) -> typing.Any:
        '''Renders the object to Kubernetes JSON.'''
        return typing.cast(typing.Any, jsii.invoke(self, "toJson", []))

    @jsii.python.classproperty
    @jsii.member(jsii_name="GVK")
    def GVK(cls) -> "_cdk8s_d3d9af27.GroupVersionKind":
        '''Returns the apiVersion and kind for "SecretProviderClass".'''
        return typing.cast("_cdk8s_d3d9af27.GroupVersionKind", jsii.sget(cls, "GVK"))


@jsii.data_type(
    jsii_type="secretproviderclass_iox-k8scsisecrets-store.SecretProviderClassProps",
    jsii_struct_bases=[],
    name_mapping={"spec": "spec", "metadata": "metadata"},
)
class SecretProviderClassProps:
    def __init__(
        self,
        *,
        spec: typing.Union["SecretProviderClassSpec", typing.Dict[builtins.str, typing.Any]],
        metadata: typing.Optional[typing.Union["_cdk8s_d3d9af27.ApiObjectMetadata", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> None:
        '''
        :param spec: 
        :param metadata: 

        :schema: SecretProviderClass
        '''
        if isinstance(spec, dict):
            spec = SecretProviderClassSpec(**spec)
        if isinstance(metadata, dict):
            metadata = _cdk8s_d3d9af27.ApiObjectMetadata(**metadata)
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__a429c8dd09244242e367d7905a77f540a4edcb5b3a41b96e1b5d46578530e722)
            check_type(argname="argument spec", value=spec, expected_type=type_hints["spec"])
            check_type(argname="argument metadata", value=metadata, expected_type=type_hints["metadata"])
        self._values: typing.Dict[builtins.str, typing.Any] = {
            "spec": spec,
        }
        if metadata is not None:
            self._values["metadata"] = metadata

    @builtins.property
    def spec(self) -> "SecretProviderClassSpec":
        '''
        :schema: SecretProviderClass#spec
        '''
        result = self._values.get("spec")
        assert result is not None, "Required property 'spec' is missing"
        return typing.cast("SecretProviderClassSpec", result)

    @builtins.property
    def metadata(self) -> typing.Optional["_cdk8s_d3d9af27.ApiObjectMetadata"]:
        '''
        :schema: SecretProviderClass#metadata
        '''
        result = self._values.get("metadata")
        return typing.cast(typing.Optional["_cdk8s_d3d9af27.ApiObjectMetadata"], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "SecretProviderClassProps(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="secretproviderclass_iox-k8scsisecrets-store.SecretProviderClassSpec",
    jsii_struct_bases=[],
    name_mapping={"parameters": "parameters", "provider": "provider"},
)
class SecretProviderClassSpec:
    def __init__(
        self,
        *,
        parameters: typing.Mapping[builtins.str, builtins.str],
        provider: "SecretProviderClassSpecProvider",
    ) -> None:
        '''
        :param parameters: Provider parameters; for ``gke``, key ``secrets`` holds a YAML list of {resourceName: projects/P/secrets/S/versions/V, path: file name}.
        :param provider: 

        :schema: SecretProviderClassSpec
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__6b26e170c1e7b33d06af9ed6a5d5e7fff94d308e4e0175bba62a8f56878e5517)
            check_type(argname="argument parameters", value=parameters, expected_type=type_hints["parameters"])
            check_type(argname="argument provider", value=provider, expected_type=type_hints["provider"])
        self._values: typing.Dict[builtins.str, typing.Any] = {
            "parameters": parameters,
            "provider": provider,
        }

    @builtins.property
    def parameters(self) -> typing.Mapping[builtins.str, builtins.str]:
        '''Provider parameters;

        for ``gke``, key ``secrets`` holds a YAML list of {resourceName: projects/P/secrets/S/versions/V, path: file name}.

        :schema: SecretProviderClassSpec#parameters
        '''
        result = self._values.get("parameters")
        assert result is not None, "Required property 'parameters' is missing"
        return typing.cast(typing.Mapping[builtins.str, builtins.str], result)

    @builtins.property
    def provider(self) -> "SecretProviderClassSpecProvider":
        '''
        :schema: SecretProviderClassSpec#provider
        '''
        result = self._values.get("provider")
        assert result is not None, "Required property 'provider' is missing"
        return typing.cast("SecretProviderClassSpecProvider", result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "SecretProviderClassSpec(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.enum(
    jsii_type="secretproviderclass_iox-k8scsisecrets-store.SecretProviderClassSpecProvider"
)
class SecretProviderClassSpecProvider(enum.Enum):
    '''
    :schema: SecretProviderClassSpecProvider
    '''

    GKE = "GKE"
    '''gke.'''
    GCP = "GCP"
    '''gcp.'''


__all__ = [
    "SecretProviderClass",
    "SecretProviderClassProps",
    "SecretProviderClassSpec",
    "SecretProviderClassSpecProvider",
]

publication.publish()

def _typecheckingstub__d423dd890044cee78a20f29a621f7a75dddbbba26728618527cf73c901a40d56(
    scope: _constructs_77d1e7e8.Construct,
    id: builtins.str,
    *,
    spec: typing.Union[SecretProviderClassSpec, typing.Dict[builtins.str, typing.Any]],
    metadata: typing.Optional[typing.Union[_cdk8s_d3d9af27.ApiObjectMetadata, typing.Dict[builtins.str, typing.Any]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__a429c8dd09244242e367d7905a77f540a4edcb5b3a41b96e1b5d46578530e722(
    *,
    spec: typing.Union[SecretProviderClassSpec, typing.Dict[builtins.str, typing.Any]],
    metadata: typing.Optional[typing.Union[_cdk8s_d3d9af27.ApiObjectMetadata, typing.Dict[builtins.str, typing.Any]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__6b26e170c1e7b33d06af9ed6a5d5e7fff94d308e4e0175bba62a8f56878e5517(
    *,
    parameters: typing.Mapping[builtins.str, builtins.str],
    provider: SecretProviderClassSpecProvider,
) -> None:
    """Type checking stubs"""
    pass
