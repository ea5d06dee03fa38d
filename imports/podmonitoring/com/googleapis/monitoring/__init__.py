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


class PodMonitoring(
    _cdk8s_d3d9af27.ApiObject,
    metaclass=jsii.JSIIMeta,
    jsii_type="podmonitoring_comgoogleapismonitoring.PodMonitoring",
):
    '''
    :schema: PodMonitoring
    '''

    def __init__(
        self,
        scope: "_constructs_77d1e7e8.Construct",
        id: builtins.str,
        *,
        spec: typing.Union["PodMonitoringSpec", typing.Dict[builtins.str, typing.Any]],
        metadata: typing.Optional[typing.Union["_cdk8s_d3d9af27.ApiObjectMetadata", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> None:
        '''Defines a "PodMonitoring" API object.

        :param scope: the scope in which to define this object.
        :param id: a scope-local name for the object.
        :param spec: 
        :param metadata: 
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__930d33059c664bb860fb45a9bee8788dc1414da53e60c5fd4d958c443abc7098)
            check_type(argname="argument scope", value=scope, expected_type=type_hints["scope"])
            check_type(argname="argument id", value=id, expected_type=type_hints["id"])
        props = PodMonitoringProps(spec=spec, metadata=metadata)

        jsii.create(self.__class__, self, [scope, id, props])

    @jsii.member(jsii_name="manifest")
    @builtins.classmethod
    def manifest(
        cls,
        *,
        spec: typing.Union["PodMonitoringSpec", typing.Dict[builtins.str, typing.Any]],
        metadata: typing.Optional[typing.Union["_cdk8s_d3d9af27.ApiObjectMetadata", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> typing.Any:
        '''Renders a Kubernetes manifest for "PodMonitoring".

        This can be used to inline resource manifests inside other objects (e.g. as templates).

        :param spec: 
        :param metadata: 
        '''
        props = PodMonitoringProps(spec=spec, metadata=metadata)

        return typing.cast(typing.Any, jsii.sinvoke(cls, "manifest", [props]))

    @jsii.member(jsii_name="toJson")
    def to_json(self) -> typing.Any:
        '''Renders the object to Kubernetes JSON.'''
        return typing.cast(typing.Any, jsii.invoke(self, "toJson", []))

    @jsii.python.classproperty
    @jsii.member(jsii_name="GVK")
    def GVK(cls) -> "_cdk8s_d3d9af27.GroupVersionKind":
        '''Returns the apiVersion and kind for "PodMonitoring".'''
        return typing.cast("_cdk8s_d3d9af27.GroupVersionKind", jsii.sget(cls, "GVK"))


@jsii.data_type(
    jsii_type="podmonitoring_comgoogleapismonitoring.PodMonitoringProps",
    jsii_struct_bases=[],
    name_mapping={"spec": "spec", "metadata": "metadata"},
)
class PodMonitoringProps:
    def __init__(
        self,
        *,
        spec: typing.Union["PodMonitoringSpec", typing.Dict[builtins.str, typing.Any]],
        metadata: typing.Optional[typing.Union["_cdk8s_d3d9af27.ApiObjectMetadata", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> None:
        '''
        :param spec: 
        :param metadata: 

        :schema: PodMonitoring
        '''
        if isinstance(spec, dict):
            spec = PodMonitoringSpec(**spec)
        if isinstance(metadata, dict):
            metadata = _cdk8s_d3d9af27.ApiObjectMetadata(**metadata)
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__49e438afbfeea8f04385816e42c82bba7bd8970febf7218013caa24e1ceb258d)
            check_type(argname="argument spec", value=spec, expected_type=type_hints["spec"])
            check_type(argname="argument metadata", value=metadata, expected_type=type_hints["metadata"])
        self._values: typing.Dict[builtins.str, typing.Any] = {
            "spec": spec,
        }
        if metadata is not None:
            self._values["metadata"] = metadata

    @builtins.property
    def spec(self) -> "PodMonitoringSpec":
        '''
        :schema: PodMonitoring#spec
        '''
        result = self._values.get("spec")
        assert result is not None, "Required property 'spec' is missing"
        return typing.cast("PodMonitoringSpec", result)

    @builtins.property
    def metadata(self) -> typing.Optional["_cdk8s_d3d9af27.ApiObjectMetadata"]:
        '''
        :schema: PodMonitoring#metadata
        '''
        result = self._values.get("metadata")
        return typing.cast(typing.Optional["_cdk8s_d3d9af27.ApiObjectMetadata"], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "PodMonitoringProps(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="podmonitoring_comgoogleapismonitoring.PodMonitoringSpec",
    jsii_struct_bases=[],
    name_mapping={"endpoints": "endpoints", "selector": "selector"},
)
class PodMonitoringSpec:
    def __init__(
        self,
        *,
        endpoints: typing.Sequence[typing.Union["PodMonitoringSpecEndpoints", typing.Dict[builtins.str, typing.Any]]],
        selector: typing.Union["PodMonitoringSpecSelector", typing.Dict[builtins.str, typing.Any]],
    ) -> None:
        '''
        :param endpoints: 
        :param selector: 

        :schema: PodMonitoringSpec
        '''
        if isinstance(selector, dict):
            selector = PodMonitoringSpecSelector(**selector)
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__07acc4e739063980d3705a4c45f17f00ffb2fc7975ac2cf03e73c22e88782c14)
            check_type(argname="argument endpoints", value=endpoints, expected_type=type_hints["endpoints"])
            check_type(argname="argument selector", value=selector, expected_type=type_hints["selector"])
        self._values: typing.Dict[builtins.str, typing.Any] = {
            "endpoints": endpoints,
            "selector": selector,
        }

    @builtins.property
    def endpoints(self) -> typing.List["PodMonitoringSpecEndpoints"]:
        '''
        :schema: PodMonitoringSpec#endpoints
        '''
        result = self._values.get("endpoints")
        assert result is not None, "Required property 'endpoints' is missing"
        return typing.cast(typing.List["PodMonitoringSpecEndpoints"], result)

    @builtins.property
    def selector(self) -> "PodMonitoringSpecSelector":
        '''
        :schema: PodMonitoringSpec#selector
        '''
        result = self._values.get("selector")
        assert result is not None, "Required property 'selector' is missing"
        return typing.cast("PodMonitoringSpecSelector", result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "PodMonitoringSpec(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="podmonitoring_comgoogleapismonitoring.PodMonitoringSpecEndpoints",
    jsii_struct_bases=[],
    name_mapping={
        "port": "port",
        "interval": "interval",
        "path": "path",
        "timeout": "timeout",
    },
)
class PodMonitoringSpecEndpoints:
    def __init__(
        self,
        *,
        port: "PodMonitoringSpecEndpointsPort",
        interval: typing.Optional[builtins.str] = None,
        path: typing.Optional[builtins.str] = None,
        timeout: typing.Optional[builtins.str] = None,
    ) -> None:
        '''
        :param port: Container port name or number.
        :param interval: 
        :param path: 
        :param timeout: 

        :schema: PodMonitoringSpecEndpoints
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__bc67a08b3bddf5a430ab59e05f815fe98fffebfeafd28019755c5aed0c0e715e)
            check_type(argname="argument port", value=port, expected_type=type_hints["port"])
            check_type(argname="argument interval", value=interval, expected_type=type_hints["interval"])
            check_type(argname="argument path", value=path, expected_type=type_hints["path"])
            check_type(argname="argument timeout", value=timeout, expected_type=type_hints["timeout"])
        self._values: typing.Dict[builtins.str, typing.Any] = {
            "port": port,
        }
        if interval is not None:
            self._values["interval"] = interval
        if path is not None:
            self._values["path"] = path
        if timeout is not None:
            self._values["timeout"] = timeout

    @builtins.property
    def port(self) -> "PodMonitoringSpecEndpointsPort":
        '''Container port name or number.

        :schema: PodMonitoringSpecEndpoints#port
        '''
        result = self._values.get("port")
        assert result is not None, "Required property 'port' is missing"
        return typing.cast("PodMonitoringSpecEndpointsPort", result)

    @builtins.property
    def interval(self) -> typing.Optional[builtins.str]:
        '''
        :schema: PodMonitoringSpecEndpoints#interval
        '''
        result = self._values.get("interval")
        return typing.cast(typing.Optional[builtins.str], result)

    @builtins.property
    def path(self) -> typing.Optional[builtins.str]:
        '''
        :schema: PodMonitoringSpecEndpoints#path
        '''
        result = self._values.get("path")
        return typing.cast(typing.Optional[builtins.str], result)

    @builtins.property
    def timeout(self) -> typing.Optional[builtins.str]:
        '''
        :schema: PodMonitoringSpecEndpoints#timeout
        '''
        result = self._values.get("timeout")
        return typing.cast(typing.Optional[builtins.str], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "PodMonitoringSpecEndpoints(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


class PodMonitoringSpecEndpointsPort(
    metaclass=jsii.JSIIMeta,
    jsii_type="podmonitoring_comgoogleapismonitoring.PodMonitoringSpecEndpointsPort",
):
    '''Container port name or number.

    :schema: PodMonitoringSpecEndpointsPort
    '''

    @jsii.member(jsii_name="fromNumber")
    @builtins.classmethod
    def from_number(cls, value: jsii.Number) -> "PodMonitoringSpecEndpointsPort":
        '''
        :param value: -
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__a81a565a0a2921839c1ffdababd36f7a97c0a278b0e2a2cfac2ab46bb391c66f)
            check_type(argname="argument value", value=value, expected_type=type_hints["value"])
        return typing.cast("PodMonitoringSpecEndpointsPort", jsii.sinvoke(cls, "fromNumber", [value]))

    @jsii.member(jsii_name="fromString")
    @builtins.classmethod
    def from_string(cls, value: builtins.str) -> "PodMonitoringSpecEndpointsPort":
        '''
        :param value: -
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__30582c0c1964b1cb63798f9217ea9ea32492ff414d992be4e8a8d53064a55cd0)
            check_type(argname="argument value", value=value, expected_type=type_hints["value"])
        return typing.cast("PodMonitoringSpecEndpointsPort", jsii.sinvoke(cls, "fromString", [value]))

    @builtins.property
    @jsii.member(jsii_name="value")
    def value(self) -> typing.Union[builtins.str, jsii.Number]:
        return typing.cast(typing.Union[builtins.str, jsii.Number], jsii.get(self, "value"))


@jsii.data_type(
    jsii_type="podmonitoring_comgoogleapismonitoring.PodMonitoringSpecSelector",
    jsii_struct_bases=[],
    name_mapping={"match_labels": "matchLabels"},
)
class PodMonitoringSpecSelector:
    def __init__(
        self,
        *,
        match_labels: typing.Optional[typing.Mapping[builtins.str, builtins.str]] = None,
    ) -> None:
        '''
        :param match_labels: 

        :schema: PodMonitoringSpecSelector
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__2933528ee4a1a5c933f56ed1d0c4a4212e77ef8ce5778ec040989ab80b87e8b2)
            check_type(argname="argument match_labels", value=match_labels, expected_type=type_hints["match_labels"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if match_labels is not None:
            self._values["match_labels"] = match_labels

    @builtins.property
    def match_labels(
        self,
    ) -> typing.Optional[typing.Mapping[builtins.str, builtins.str]]:
        '''
        :schema: PodMonitoringSpecSelector#matchLabels
        '''
        result = self._values.get("match_labels")
        return typing.cast(typing.Optional[typing.Mapping[builtins.str, builtins.str]], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "PodMonitoringSpecSelector(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


__all__ = [
    "PodMonitoring",
    "PodMonitoringProps",
    "PodMonitoringSpec",
    "PodMonitoringSpecEndpoints",
    "PodMonitoringSpecEndpointsPort",
    "PodMonitoringSpecSelector",
]

publication.publish()

def _typecheckingstub__930d33059c664bb860fb45a9bee8788dc1414da53e60c5fd4d958c443abc7098(
    scope: _constructs_77d1e7e8.Construct,
    id: builtins.str,
    *,
    spec: typing.Union[PodMonitoringSpec, typing.Dict[builtins.str, typing.Any]],
    metadata: typing.Optional[typing.Union[_cdk8s_d3d9af27.ApiObjectMetadata, typing.Dict[builtins.str, typing.Any]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__49e438afbfeea8f04385816e42c82bba7bd8970febf7218013caa24e1ceb258d(
    *,
    spec: typing.Union[PodMonitoringSpec, typing.Dict[builtins.str, typing.Any]],
    metadata: typing.Optional[typing.Union[_cdk8s_d3d9af27.ApiObjectMetadata, typing.Dict[builtins.str, typing.Any]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__07acc4e739063980d3705a4c45f17f00ffb2fc7975ac2cf03e73c22e88782c14(
    *,
    endpoints: typing.Sequence[typing.Union[PodMonitoringSpecEndpoints, typing.Dict[builtins.str, typing.Any]]],
    selector: typing.Union[PodMonitoringSpecSelector, typing.Dict[builtins.str, typing.Any]],
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__bc67a08b3bddf5a430ab59e05f815fe98fffebfeafd28019755c5aed0c0e715e(
    *,
    port: PodMonitoringSpecEndpointsPort,
    interval: typing.Optional[builtins.str] = None,
    path: typing.Optional[builtins.str] = None,
    timeout: typing.Optional[builtins.str] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__a81a565a0a2921839c1ffdababd36f7a97c0a278b0e2a2cfac2ab46bb391c66f(
    value: jsii.Number,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__30582c0c1964b1cb63798f9217ea9ea32492ff414d992be4e8a8d53064a55cd0(
    value: builtins.str,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__2933528ee4a1a5c933f56ed1d0c4a4212e77ef8ce5778ec040989ab80b87e8b2(
    *,
    match_labels: typing.Optional[typing.Mapping[builtins.str, builtins.str]] = None,
) -> None:
    """Type checking stubs"""
    pass
