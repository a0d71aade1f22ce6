// The host side of wasm-bindings/host_vfs.cpp (an Emscripten JS library, linked with --js-library): SQLite's
// file calls on the handles the worker registered in `Module.rpFiles` (Map name -> FileSystemSyncAccessHandle,
// or any object with the same read/write/truncate/flush/getSize methods, e.g. a fake one in Node tests).
// Addresses above 2 GiB arrive as negative numbers: every pointer goes through `>>> 0`.
// The last error a handle threw is kept in `Module.rpLastIoError` ({name, message}) so the worker can tell a
// full quota from other failures; the C side only sees the return codes.
mergeInto(LibraryManager.library, {
  $RpHost: {
    open: [],  // file id -> handle (null once closed)
    fail: function (error) {
      Module['rpLastIoError'] = { name: String((error && error.name) || 'Error'), message: String((error && error.message) || error) };
    },
    // fn()'s value, or -1 with the error kept when the handle throws.
    attempt: function (fn) {
      try {
        return fn();
      } catch (e) {
        RpHost.fail(e);
        return -1;
      }
    },
    byName: function (name) {
      const files = Module['rpFiles'];
      return files ? files.get(name) : undefined;
    },
  },

  rp_host_open__deps: ['$RpHost'],
  rp_host_open: function (namePtr) {
    const handle = RpHost.byName(UTF8ToString(namePtr >>> 0));
    if (!handle) return -1;
    RpHost.open.push(handle);
    return RpHost.open.length - 1;
  },

  rp_host_close__deps: ['$RpHost'],
  rp_host_close: function (id) {
    RpHost.open[id] = null;
    while (RpHost.open.length && RpHost.open[RpHost.open.length - 1] === null) RpHost.open.pop();
  },

  rp_host_read__deps: ['$RpHost'],
  rp_host_read: function (id, dst, n, at) {
    dst >>>= 0;
    return RpHost.attempt(() => RpHost.open[id].read(HEAPU8.subarray(dst, dst + n), { at: at }));
  },

  rp_host_write__deps: ['$RpHost'],
  rp_host_write: function (id, src, n, at) {
    try {
      src >>>= 0;
      const written = RpHost.open[id].write(HEAPU8.subarray(src, src + n), { at: at });
      if (written === n) return 0;
      // A short write: the file could not grow (Chromium reports a full quota this way as well as by throwing).
      RpHost.fail({ name: 'QuotaExceededError', message: `wrote ${written} of ${n} bytes` });
      return 1;
    } catch (e) {
      RpHost.fail(e);
      return e && e.name === 'QuotaExceededError' ? 1 : -1;
    }
  },

  rp_host_truncate__deps: ['$RpHost'],
  rp_host_truncate: function (id, size) {
    return RpHost.attempt(() => { RpHost.open[id].truncate(size); return 0; });
  },

  rp_host_sync__deps: ['$RpHost'],
  rp_host_sync: function (id) {
    return RpHost.attempt(() => { RpHost.open[id].flush(); return 0; });
  },

  rp_host_size__deps: ['$RpHost'],
  rp_host_size: function (id) {
    return RpHost.attempt(() => RpHost.open[id].getSize());
  },

  rp_host_exists__deps: ['$RpHost'],
  rp_host_exists: function (namePtr) {
    const handle = RpHost.byName(UTF8ToString(namePtr >>> 0));
    try {
      return handle && handle.getSize() > 0 ? 1 : 0;
    } catch (e) {
      return 0;
    }
  },

  rp_host_truncate_name__deps: ['$RpHost'],
  rp_host_truncate_name: function (namePtr) {
    const handle = RpHost.byName(UTF8ToString(namePtr >>> 0));
    if (!handle) return 0;
    try {
      handle.truncate(0);
      handle.flush();
      return 0;
    } catch (e) {
      RpHost.fail(e);
      return -1;
    }
  },
});
