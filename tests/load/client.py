"""A minimal Streamlit client: one real websocket session, as a browser tab opens one.

It speaks the app's own protocol (protobuf BackMsg / ForwardMsg on
``/_stcore/stream``): ask for a page, wait for the run to finish, set a
widget's value and rerun, only the widget's fragment as the browser does.
It renders nothing, so forty of them fit on a small machine where forty
browser tabs would not.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates


@dataclass
class Widget:
    id: str
    kind: str  # the Element oneof name: number_input, slider, ...
    proto: object
    fragment_id: str = ""  # the innermost st.fragment drawing it ("" outside any)


@dataclass
class Session:
    url: str  # http://127.0.0.1:port
    page: str  # url path of the page, e.g. "derivatives"
    widgets: dict[str, Widget] = field(default_factory=dict)  # by user key
    states: dict[str, WidgetState] = field(default_factory=dict)
    exceptions: list[str] = field(default_factory=list)
    _socket: object = None
    _page_hash: str = ""

    async def open(self) -> float:
        host = self.url.removeprefix("http://")
        self._socket = await websockets.connect(
            f"ws://{host}/_stcore/stream",
            subprotocols=["streamlit"],
            origin=self.url,
            max_size=None,
        )
        return await self._run()

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()

    async def set(self, key: str, value) -> float:
        """Give widget `key` a new value and rerun; returns the rerun's seconds."""
        widget = self.widgets[key]
        state = WidgetState(id=widget.id)
        if widget.kind in ("number_input",):
            state.double_value = float(value)
        elif widget.kind == "slider" and widget.proto.type == widget.proto.SELECT_SLIDER:
            # st.select_slider shares the Slider element; its value is the option as formatted on screen.
            if str(value) not in widget.proto.options:
                raise ValueError(f"{value!r} is not one of {key}'s options")
            state.string_array_value.data[:] = [str(value)]
        elif widget.kind == "slider":
            state.double_array_value.data[:] = [float(value)]
        elif widget.kind in ("checkbox", "toggle"):
            state.bool_value = bool(value)
        else:
            raise ValueError(f"no setter for {widget.kind}")
        self.states[widget.id] = state
        # As the browser does: a widget inside a fragment reruns only that fragment.
        return await self._run(widget.fragment_id)

    async def _run(self, fragment_id: str = "") -> float:
        message = BackMsg()
        client = message.rerun_script
        client.query_string = ""
        client.page_name = self.page
        client.page_script_hash = self._page_hash
        client.fragment_id = fragment_id
        client.widget_states.CopyFrom(WidgetStates(widgets=list(self.states.values())))
        start = time.perf_counter()
        await self._socket.send(message.SerializeToString())
        while True:
            data = await asyncio.wait_for(self._socket.recv(), timeout=60)
            forward = ForwardMsg()
            forward.ParseFromString(data)
            kind = forward.WhichOneof("type")
            if kind == "delta":
                self._note(forward.delta)
            elif kind == "page_info_changed" or kind == "navigation":
                if kind == "navigation" and forward.navigation.page_script_hash:
                    self._page_hash = forward.navigation.page_script_hash
            elif kind == "script_finished":
                if forward.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # st.rerun(): the real run follows on the same socket
                return time.perf_counter() - start

    def _note(self, delta) -> None:
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.exceptions.append(element.exception.message)
            return
        proto = getattr(element, kind)
        widget_id = getattr(proto, "id", "")
        if widget_id and "-" in widget_id:
            key = widget_id.rsplit("-", 1)[-1]
            self.widgets[key] = Widget(widget_id, kind, proto, delta.fragment_id)
