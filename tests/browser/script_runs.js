// Records Streamlit's script runs from its websocket messages into
// window.__scriptRuns as [time, "start"] or [time, "finished", status].
// Shared by the browser tests and benchmarks/bench_latency.py.
(() => {
  const runs = window.__scriptRuns = [];
  const kind = (buffer) => {
    const bytes = new Uint8Array(buffer);
    let i = 0;
    const varint = () => {
      let value = 0, shift = 0, byte;
      do { byte = bytes[i++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; }
      while (byte & 0x80);
      return value;
    };
    while (i < bytes.length) {
      const key = varint(), field = Math.floor(key / 8), wire = key & 7;
      if (field === 4 && wire === 2) return ["start"];
      if (field === 6 && wire === 0) return ["finished", varint()];
      if (wire === 0) varint();
      else if (wire === 2) { const length = varint(); i += length; }
      else if (wire === 1) i += 8;
      else if (wire === 5) i += 4;
      else return null;
    }
    return null;
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (!(event.data instanceof ArrayBuffer)) return;
        const found = kind(event.data);
        if (found) runs.push([performance.now(), ...found]);
      });
    }
  };
})();
