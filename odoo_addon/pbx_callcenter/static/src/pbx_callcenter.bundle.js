/** @odoo-module **/
// GENERATED from web/src by scripts/build.mjs — do not edit. esbuild 0.28.2, sha256:59f98d6e175ff098bf596615aab49a37964ef62976334f33b5edac9f53f098e9
var __defProp = Object.defineProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: !0 });
};

// web/src/components/call_popup_stack/call_popup_stack.ts
import { Component as Component3, useState as useState2 } from "@odoo/owl";

// node_modules/zod/v4/core/util.js
function getEnumValues(entries) {
  let numericValues = Object.values(entries).filter((v) => typeof v == "number");
  return Object.entries(entries).filter(([k, _]) => numericValues.indexOf(+k) === -1).map(([_, v]) => v);
}
function joinValues(array2, separator = "|") {
  return array2.map((val) => stringifyPrimitive(val)).join(separator);
}
function jsonStringifyReplacer(_, value) {
  return typeof value == "bigint" ? value.toString() : value;
}
var Cached = class {
  constructor(getter) {
    this._getter = getter, this._value = void 0;
  }
  get value() {
    let getter = this._getter;
    return getter !== void 0 && (this._value = getter(), this._getter = void 0), this._value;
  }
};
function cached(getter) {
  return new Cached(getter);
}
function nullish(input) {
  return input == null;
}
function cleanRegex(source) {
  let start = source.startsWith("^") ? 1 : 0, end = source.endsWith("$") ? source.length - 1 : source.length;
  return source.slice(start, end);
}
function assignProp(target, prop, value) {
  Object.defineProperty(target, prop, {
    value,
    writable: !0,
    enumerable: !0,
    configurable: !0
  });
}
function rawShape(def) {
  let desc = Object.getOwnPropertyDescriptor(def, "shape");
  return desc?.get ? desc.get.raw : desc?.value;
}
var captureStackTrace = "captureStackTrace" in Error ? Error.captureStackTrace : (..._args) => {
};
function isObject(data) {
  return typeof data == "object" && data !== null && !Array.isArray(data);
}
function isPlainObject(o) {
  if (isObject(o) === !1)
    return !1;
  let ctor = o.constructor;
  if (ctor === void 0 || typeof ctor != "function")
    return !0;
  let prot = ctor.prototype;
  return !(isObject(prot) === !1 || Object.prototype.hasOwnProperty.call(prot, "isPrototypeOf") === !1);
}
var propertyKeyTypes = /* @__PURE__ */ new Set(["string", "number", "symbol"]);
function escapeRegex(str) {
  return str.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
function clone(inst, def, params) {
  let cl = new inst._zod.constr(def ?? inst._zod.def);
  return (!def || params?.parent) && (cl._zod.parent = inst), cl;
}
function normalizeParams(_params) {
  let params = _params;
  if (!params)
    return {};
  if (typeof params == "string")
    return { error: () => params };
  if (params?.message !== void 0) {
    if (params?.error !== void 0)
      throw new Error("Cannot specify both `message` and `error` params");
    params.error = params.message;
  }
  return delete params.message, typeof params.error == "string" ? { ...params, error: () => params.error } : params;
}
function stringifyPrimitive(value) {
  return typeof value == "bigint" ? value.toString() + "n" : typeof value == "string" ? `"${value}"` : `${value}`;
}
function optionalKeys(shape) {
  return Object.keys(shape).filter((k) => shape[k]._zod.optin !== void 0 && shape[k]._zod.optout === "optional");
}
var NUMBER_FORMAT_RANGES = {
  safeint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  float32: [-34028234663852886e22, 34028234663852886e22],
  float64: [-Number.MAX_VALUE, Number.MAX_VALUE]
};
function aborted(x, startIndex = 0) {
  if (x.aborted === !0)
    return !0;
  for (let i = startIndex; i < x.issues.length; i++)
    if (x.issues[i]?.continue !== !0)
      return !0;
  return !1;
}
function explicitlyAborted(x, startIndex = 0) {
  if (x.aborted === !0)
    return !0;
  for (let i = startIndex; i < x.issues.length; i++)
    if (x.issues[i]?.continue === !1)
      return !0;
  return !1;
}
function prefixIssues(path, issues) {
  return issues.map((iss) => {
    var _a2;
    return (_a2 = iss).path ?? (_a2.path = []), iss.path.unshift(path), iss;
  });
}
function unwrapMessage(message) {
  return typeof message == "string" ? message : message?.message;
}
function sizeCaps(defChecks) {
  let caps = [];
  for (let ch of defChecks ?? []) {
    let d = ch._zod.def;
    if (!/_(length|size)$|_equals$/.test(d.check))
      break;
    let max = d.maximum ?? d.length ?? d.size;
    max >= 0 && caps.push([max, ch]);
  }
  return caps;
}
function attachSchema(issues, start, inst) {
  var _a2;
  for (let i = start; i < issues.length; i++)
    (_a2 = issues[i]).schema ?? (_a2.schema = inst);
}
function finalizeIssue(iss, ctx, config2) {
  var _a2;
  let traits = iss.inst?._zod?.traits;
  traits?.has("$ZodType") && (traits.has("$ZodCheck") ? (_a2 = iss).schema ?? (_a2.schema = iss.inst) : iss.schema = iss.inst);
  let schemaError = iss.schema !== iss.inst ? iss.schema?._zod.def?.error : void 0, message = iss.message ? iss.message : unwrapMessage(iss.inst?._zod.def?.error?.(iss)) ?? unwrapMessage(schemaError?.(iss)) ?? unwrapMessage(ctx?.error?.(iss)) ?? unwrapMessage(config2.customError?.(iss)) ?? unwrapMessage(config2.localeError?.(iss)) ?? "Invalid input", full = {};
  for (let k of Object.keys(iss))
    k === "inst" || k === "schema" || k === "continue" || k === "input" || k === "__proto__" || (full[k] = iss[k]);
  return full.path ?? (full.path = []), full.message = message, ctx?.reportInput && (full.input = iss.input), full;
}
var highSurrogate = /[\uD800-\uDBFF]/;
function codePointLength(str) {
  let units = str.length;
  if (!highSurrogate.test(str))
    return units;
  let count = units;
  for (let i = 0; i < units - 1; i++)
    (str.charCodeAt(i) & 64512) === 55296 && (str.charCodeAt(i + 1) & 64512) === 56320 && (count--, i++);
  return count;
}
function getLengthableOrigin(input) {
  return Array.isArray(input) ? "array" : typeof input == "string" ? "string" : "unknown";
}
function parsedType(data) {
  let t = typeof data;
  switch (t) {
    case "number":
      return Number.isNaN(data) ? "nan" : "number";
    case "object": {
      if (data === null)
        return "null";
      if (Array.isArray(data))
        return "array";
      let obj = data;
      if (obj && Object.getPrototypeOf(obj) !== Object.prototype && "constructor" in obj && obj.constructor)
        return obj.constructor.name;
    }
  }
  return t;
}
function issue(...args) {
  let [iss, input, inst] = args;
  return typeof iss == "string" ? {
    message: iss,
    code: "custom",
    input,
    inst
  } : { ...iss };
}
function members(proto, table) {
  for (let key in table) {
    let desc = Object.getOwnPropertyDescriptor(table, key);
    desc.get ? Object.defineProperty(proto, key, { ...desc, enumerable: !1 }) : defineBound(proto, key, desc.value);
  }
}
function own(inst, key, value, enumerable = !0) {
  return Object.defineProperty(inst, key, { configurable: !0, writable: !0, enumerable, value }), value;
}
function hide(inst, key, value) {
  return own(inst, key, value, !1);
}
function defineBound(proto, key, fn) {
  Object.defineProperty(proto, key, {
    configurable: !0,
    get() {
      return this == null ? fn : own(this, key, fn.bind(this));
    },
    set(value) {
      own(this, key, value);
    }
  });
}
function claim(inst, sentinel) {
  let proto = Object.getPrototypeOf(inst);
  return sentinel in proto ? void 0 : proto;
}
var installing, broke = !1, breaker = {
  configurable: !0,
  get() {
    broke = !0;
  }
};
function defineLazyInternal(inst, key, compute) {
  let proto = Object.getPrototypeOf(inst._zod);
  if (key in proto && installing !== inst._zod) {
    installing = void 0;
    return;
  }
  installing = inst._zod, Object.defineProperty(proto, key, {
    configurable: !0,
    get() {
      Object.defineProperty(this, key, breaker);
      let outer = broke;
      broke = !1;
      try {
        let value = compute(this);
        return broke ? delete this[key] : Object.defineProperty(this, key, { configurable: !0, writable: !0, value }), broke = broke || outer, value;
      } catch (err) {
        throw delete this[key], broke = broke || outer, err;
      }
    },
    set(value) {
      Object.defineProperty(this, key, { configurable: !0, writable: !0, value });
    }
  });
}
function installLazyProp(inst, key, make, enumerable) {
  let proto = claim(inst, key);
  proto && Object.defineProperty(proto, key, {
    configurable: !0,
    get() {
      let desc = { configurable: !0, writable: !0, enumerable, value: void 0 };
      return Object.defineProperty(this, key, desc), desc.value = make(this), Object.defineProperty(this, key, desc), desc.value;
    },
    set(value) {
      Object.defineProperty(this, key, { configurable: !0, writable: !0, enumerable, value });
    }
  });
}

// node_modules/zod/v4/core/core.js
var _a;
var _zodDesc = { value: void 0, enumerable: !1 }, _E = "captureStackTrace" in Error ? Error : null;
function newError(Definition) {
  let E = _E;
  if (E) {
    let saved = E.stackTraceLimit;
    if (typeof saved == "number") {
      try {
        E.stackTraceLimit = 0;
      } catch {
        return _E = null, new Definition();
      }
      try {
        return new Definition();
      } finally {
        E.stackTraceLimit = saved;
      }
    }
  }
  return new Definition();
}
// @__NO_SIDE_EFFECTS__
function $constructor(name, initializer2, proto, params) {
  let zodProto = {};
  function Internals(def) {
    this.def = def, this.constr = _, this.traits = /* @__PURE__ */ new Set();
  }
  Internals.prototype = zodProto;
  let protoMembers = proto, initialized = protoMembers && /* @__PURE__ */ new WeakSet();
  function init(inst, def) {
    if (inst._zod) {
      if (inst._zod.traits.has(name))
        return;
    } else {
      _zodDesc.value = new Internals(def);
      try {
        Object.defineProperty(inst, "_zod", _zodDesc);
      } finally {
        _zodDesc.value = void 0;
      }
    }
    if (inst._zod.traits.add(name), initializer2(inst, def), initialized) {
      let own2 = Object.getPrototypeOf(inst), ctorProto = inst._zod.constr.prototype, up = own2;
      for (; up && up !== ctorProto; )
        up = Object.getPrototypeOf(up);
      let target = up ?? own2;
      initialized.has(target) || (initialized.add(target), members(target, protoMembers));
    }
    let proto2 = _.prototype;
    for (let k in proto2)
      Object.prototype.hasOwnProperty.call(proto2, k) && (k in inst || (inst[k] = proto2[k].bind(inst)));
  }
  let Parent = params?.Parent ?? Object;
  class Definition extends Parent {
  }
  Object.defineProperty(Definition, "name", { value: name });
  function _(def) {
    let inst = params?.Parent ? newError(Definition) : this;
    init(inst, def);
    let deferred = inst._zod.deferred;
    if (deferred) {
      for (let fn of deferred)
        fn();
      inst._zod.deferred = void 0;
    }
    let pp = globalThis.__zod_globalConfig?.postProcessor;
    return pp && pp(inst), inst;
  }
  return Object.defineProperty(_, "init", { value: init }), Object.defineProperty(_, Symbol.hasInstance, {
    value: (inst) => params?.Parent && inst instanceof params.Parent ? !0 : inst?._zod?.traits?.has(name)
  }), Object.defineProperty(_, "name", { value: name }), _;
}
var $ZodAsyncError = class extends Error {
  constructor() {
    super("Encountered Promise during synchronous parse. Use .parseAsync() instead.");
  }
};
(_a = globalThis).__zod_globalConfig ?? (_a.__zod_globalConfig = {});
var globalConfig = globalThis.__zod_globalConfig;
function config(newConfig) {
  return newConfig && Object.assign(globalConfig, newConfig), globalConfig;
}

// node_modules/zod/v4/core/errors.js
function _getMessage() {
  let internals = this._zod;
  return internals.message ?? (internals.message = JSON.stringify(internals.def, jsonStringifyReplacer, 2)), internals.message;
}
function _setMessage(value) {
  this._zod.message = value;
}
var _messageDesc = {
  get: _getMessage,
  set: _setMessage,
  enumerable: !0,
  configurable: !0
}, _issuesDesc = { value: void 0, enumerable: !1 }, _installedToString = /* @__PURE__ */ new WeakSet([Object.prototype, Error.prototype]), initializer = (inst, def) => {
  inst.name = "$ZodError", _issuesDesc.value = def, Object.defineProperty(inst, "issues", _issuesDesc), _issuesDesc.value = void 0, Object.defineProperty(inst, "message", _messageDesc);
  let proto = Object.getPrototypeOf(inst);
  _installedToString.has(proto) || (_installedToString.add(proto), Object.defineProperty(proto, "toString", {
    configurable: !0,
    enumerable: !1,
    get() {
      let value = () => this.message;
      return Object.defineProperty(this, "toString", { value, configurable: !0, writable: !0 }), value;
    },
    set(value) {
      Object.defineProperty(this, "toString", { value, configurable: !0, writable: !0 });
    }
  }));
}, $ZodError = $constructor("$ZodError", initializer), $ZodRealError = $constructor("$ZodError", initializer, void 0, {
  Parent: Error
});
function toDotPath(_path) {
  let segs = [], path = _path.map((seg) => typeof seg == "object" ? seg.key : seg);
  for (let seg of path)
    typeof seg == "number" ? segs.push(`[${seg}]`) : typeof seg == "symbol" ? segs.push(`[${JSON.stringify(String(seg))}]`) : /[^\w$]/.test(seg) ? segs.push(`[${JSON.stringify(seg)}]`) : (segs.length && segs.push("."), segs.push(seg));
  return segs.join("");
}
function prettifyError(error2) {
  let lines = [], issues = [...error2.issues].sort((a, b) => (a.path ?? []).length - (b.path ?? []).length);
  for (let issue2 of issues)
    lines.push(`✖ ${issue2.message}`), issue2.path?.length && lines.push(`  → at ${toDotPath(issue2.path)}`);
  return lines.join(`
`);
}

// node_modules/zod/v4/core/parse.js
var _parse = (_Err) => {
  let fn = (schema, value, _ctx, _params) => {
    let ctx = _ctx ? { ..._ctx, async: !1 } : { async: !1 }, result = schema._zod.run({ value, issues: [] }, ctx);
    if (result instanceof Promise)
      throw new $ZodAsyncError();
    if (result.issues.length) {
      let e = new (_params?.Err ?? _Err)(result.issues.map((iss) => finalizeIssue(iss, ctx, config())));
      throw captureStackTrace(e, _params?.callee ?? fn), e;
    }
    return result.value;
  };
  return fn;
}, parse = /* @__PURE__ */ _parse($ZodRealError), _parseAsync = (_Err) => {
  let fn = async (schema, value, _ctx, params) => {
    let ctx = _ctx ? { ..._ctx, async: !0 } : { async: !0 }, result = schema._zod.run({ value, issues: [] }, ctx);
    if (result instanceof Promise && (result = await result), result.issues.length) {
      let e = new (params?.Err ?? _Err)(result.issues.map((iss) => finalizeIssue(iss, ctx, config())));
      throw captureStackTrace(e, params?.callee ?? fn), e;
    }
    return result.value;
  };
  return fn;
}, parseAsync = /* @__PURE__ */ _parseAsync($ZodRealError), _safeParse = (_Err) => (schema, value, _ctx) => {
  let ctx = _ctx ? { ..._ctx, async: !1 } : { async: !1 }, result = schema._zod.run({ value, issues: [] }, ctx);
  if (result instanceof Promise)
    throw new $ZodAsyncError();
  return result.issues.length ? failure(_Err, result.issues, ctx) : { success: !0, data: result.value };
}, safeParse = /* @__PURE__ */ _safeParse($ZodRealError);
function failure(Err, issues, ctx) {
  let error2;
  return {
    success: !1,
    get error() {
      return error2 || (error2 = new Err(issues.map((iss) => finalizeIssue(iss, ctx, config()))), issues = void 0, ctx = void 0), error2;
    },
    set error(e) {
      error2 = e, issues = void 0, ctx = void 0;
    }
  };
}
var _safeParseAsync = (_Err) => async (schema, value, _ctx) => {
  let ctx = _ctx ? { ..._ctx, async: !0 } : { async: !0 }, result = schema._zod.run({ value, issues: [] }, ctx);
  return result instanceof Promise && (result = await result), result.issues.length ? failure(_Err, result.issues, ctx) : { success: !0, data: result.value };
}, safeParseAsync = /* @__PURE__ */ _safeParseAsync($ZodRealError);

// node_modules/zod/v4/core/regexes.js
var duration = /^P(?:(\d+W)|(?!.*W)(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+([.,]\d+)?S)?)?)$/;
var dateSource = "(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))";
function anchor(source) {
  return new RegExp(`^${source}$`);
}
var date = /* @__PURE__ */ anchor(dateSource);
function timeSource(args) {
  let hhmm = "(?:[01]\\d|2[0-3]):[0-5]\\d";
  return typeof args.precision == "number" ? args.precision === -1 ? `${hhmm}` : args.precision === 0 ? `${hhmm}:[0-5]\\d` : `${hhmm}:[0-5]\\d\\.\\d{${args.precision}}` : args.seconds ? `${hhmm}:[0-5]\\d(?:\\.\\d+)?` : `${hhmm}(?::[0-5]\\d(?:\\.\\d+)?)?`;
}
function time(args) {
  return new RegExp(`^${timeSource(args)}$`);
}
function datetime(args) {
  let opts = ["Z"];
  args.offset && opts.push("([+-](?:[01]\\d|2[0-3]):[0-5]\\d)");
  let qualified = `${timeSource({ precision: args.precision, seconds: !0 })}(?:${opts.join("|")})`, timeRegex = args.local ? `${qualified}|${timeSource({ precision: args.precision })}` : qualified;
  return new RegExp(`^${dateSource}T(?:${timeRegex})$`);
}
var anyString = /^[\s\S]{0,}$/;
var number = /^-?\d+(?:\.\d+)?$/, boolean = /^(?:true|false)$/i, _null = /^null$/i;

// node_modules/zod/v4/core/checks.js
var $ZodCheck = /* @__PURE__ */ $constructor("$ZodCheck", (inst, def) => {
  var _a2;
  inst._zod ?? (inst._zod = {}), inst._zod.def = def, (_a2 = inst._zod).onattach ?? (_a2.onattach = []);
});
var _whenHasLength = (payload2) => {
  let val = payload2.value;
  return !nullish(val) && val.length !== void 0;
}, numericOriginMap = {
  number: "number",
  bigint: "bigint",
  object: "date"
};
var $ZodCheckGreaterThan = /* @__PURE__ */ $constructor("$ZodCheckGreaterThan", (inst, def) => {
  $ZodCheck.init(inst, def);
  let origin = numericOriginMap[typeof def.value];
  inst._zod.check = (payload2) => {
    (def.inclusive ? payload2.value >= def.value : payload2.value > def.value) || payload2.issues.push({
      origin: numericOriginMap[typeof payload2.value] ?? origin,
      code: "too_small",
      minimum: typeof def.value == "object" ? def.value.getTime() : def.value,
      input: payload2.value,
      inclusive: def.inclusive,
      inst,
      continue: !def.abort
    });
  };
});
var $ZodCheckNumberFormat = /* @__PURE__ */ $constructor("$ZodCheckNumberFormat", (inst, def) => {
  $ZodCheck.init(inst, def), def.format = def.format || "float64";
  let isInt = def.format?.includes("int"), origin = isInt ? "int" : "number", [minimum, maximum] = NUMBER_FORMAT_RANGES[def.format];
  inst._zod.check = (payload2) => {
    let input = payload2.value;
    if (isInt) {
      if (!Number.isInteger(input)) {
        payload2.issues.push({
          expected: origin,
          format: def.format,
          code: "invalid_type",
          continue: !1,
          input,
          inst
        });
        return;
      }
      if (!Number.isSafeInteger(input)) {
        input > 0 ? payload2.issues.push({
          input,
          code: "too_big",
          maximum: Number.MAX_SAFE_INTEGER,
          note: "Integers must be within the safe integer range.",
          inst,
          origin,
          inclusive: !0,
          continue: !def.abort
        }) : payload2.issues.push({
          input,
          code: "too_small",
          minimum: Number.MIN_SAFE_INTEGER,
          note: "Integers must be within the safe integer range.",
          inst,
          origin,
          inclusive: !0,
          continue: !def.abort
        });
        return;
      }
    }
    input < minimum && payload2.issues.push({
      origin: "number",
      input,
      code: "too_small",
      minimum,
      inclusive: !0,
      inst,
      continue: !def.abort
    }), input > maximum && payload2.issues.push({
      origin: "number",
      input,
      code: "too_big",
      maximum,
      inclusive: !0,
      inst,
      continue: !def.abort
    });
  };
});
var $ZodCheckMaxLength = /* @__PURE__ */ $constructor("$ZodCheckMaxLength", (inst, def) => {
  var _a2;
  $ZodCheck.init(inst, def), (_a2 = inst._zod.def).when ?? (_a2.when = _whenHasLength), inst._zod.check = (payload2) => {
    let input = payload2.value, units = input.length;
    if ((typeof input == "string" && units > def.maximum ? codePointLength(input) : units) <= def.maximum)
      return;
    let origin = getLengthableOrigin(input);
    payload2.issues.push({
      origin,
      code: "too_big",
      maximum: def.maximum,
      inclusive: !0,
      input,
      inst,
      continue: !def.abort
    });
  };
}), $ZodCheckMinLength = /* @__PURE__ */ $constructor("$ZodCheckMinLength", (inst, def) => {
  var _a2;
  $ZodCheck.init(inst, def), (_a2 = inst._zod.def).when ?? (_a2.when = _whenHasLength), inst._zod.check = (payload2) => {
    let input = payload2.value, units = input.length;
    if ((typeof input == "string" && units >= def.minimum && units < def.minimum * 2 ? codePointLength(input) : units) >= def.minimum)
      return;
    let origin = getLengthableOrigin(input);
    payload2.issues.push({
      origin,
      code: "too_small",
      minimum: def.minimum,
      inclusive: !0,
      input,
      inst,
      continue: !def.abort
    });
  };
});
var $ZodCheckStringFormat = /* @__PURE__ */ $constructor("$ZodCheckStringFormat", (inst, def) => {
  var _a2, _b;
  $ZodCheck.init(inst, def), def.pattern ? (_a2 = inst._zod).check ?? (_a2.check = (payload2) => {
    def.pattern.lastIndex = 0, !def.pattern.test(payload2.value) && payload2.issues.push({
      origin: "string",
      code: "invalid_format",
      format: def.format,
      input: payload2.value,
      ...def.pattern ? { pattern: def.pattern.toString() } : {},
      inst,
      continue: !def.abort
    });
  }) : (_b = inst._zod).check ?? (_b.check = () => {
  });
}), $ZodCheckRegex = /* @__PURE__ */ $constructor("$ZodCheckRegex", (inst, def) => {
  $ZodCheckStringFormat.init(inst, def), inst._zod.check = (payload2) => {
    def.pattern.lastIndex = 0, !def.pattern.test(payload2.value) && payload2.issues.push({
      origin: "string",
      code: "invalid_format",
      format: "regex",
      input: payload2.value,
      pattern: def.pattern.toString(),
      inst,
      continue: !def.abort
    });
  };
});

// node_modules/zod/v4/core/versions.js
var version = {
  major: 4,
  minor: 6,
  patch: 7
};

// node_modules/zod/v4/core/schemas.js
var $ZodType = /* @__PURE__ */ $constructor("$ZodType", (inst, def) => {
  var _a2;
  inst ?? (inst = {}), inst._zod.def = def, inst._zod.bag = inst._zod.bag || {}, inst._zod.version = version;
  let defChecks = inst._zod.def.checks, checks = inst._zod.traits.has("$ZodCheck") ? [inst, ...defChecks ?? []] : defChecks?.length ? [...defChecks] : [];
  for (let ch of checks)
    for (let fn of ch._zod.onattach)
      fn(inst);
  if (checks.length === 0)
    (_a2 = inst._zod).deferred ?? (_a2.deferred = []), inst._zod.deferred?.push(() => {
      inst._zod.run = inst._zod.parse;
    });
  else {
    let runChecks = (payload2, checks2, ctx) => {
      if (payload2.memo)
        return payload2;
      let isAborted = aborted(payload2), asyncResult;
      for (let ch of checks2) {
        if (ch._zod.def.when) {
          if (explicitlyAborted(payload2) || !ch._zod.def.when(payload2))
            continue;
        } else if (isAborted)
          continue;
        let currLen = payload2.issues.length, _ = ch._zod.check(payload2);
        if (_ instanceof Promise && ctx?.async === !1)
          throw new $ZodAsyncError();
        if (asyncResult || _ instanceof Promise)
          asyncResult = (asyncResult ?? Promise.resolve()).then(async () => {
            await _, payload2.issues.length !== currLen && (attachSchema(payload2.issues, currLen, inst), isAborted || (isAborted = aborted(payload2, currLen)));
          });
        else {
          if (payload2.issues.length === currLen)
            continue;
          attachSchema(payload2.issues, currLen, inst), isAborted || (isAborted = aborted(payload2, currLen));
        }
      }
      return asyncResult ? asyncResult.then(() => payload2) : payload2;
    }, handleCanaryResult = (canary, payload2, ctx) => {
      if (aborted(canary))
        return canary.aborted = !0, canary;
      let checkResult = runChecks(payload2, checks, ctx);
      if (checkResult instanceof Promise) {
        if (ctx.async === !1)
          throw new $ZodAsyncError();
        return checkResult.then((checkResult2) => inst._zod.parse(checkResult2, ctx));
      }
      return inst._zod.parse(checkResult, ctx);
    };
    inst._zod.run = (payload2, ctx) => {
      if (ctx.skipChecks)
        return inst._zod.parse(payload2, ctx);
      if (ctx.direction === "backward") {
        let canary = inst._zod.parse({ value: payload2.value, issues: [] }, { ...ctx, skipChecks: !0 });
        return canary instanceof Promise ? canary.then((canary2) => handleCanaryResult(canary2, payload2, ctx)) : handleCanaryResult(canary, payload2, ctx);
      }
      let result = inst._zod.parse(payload2, ctx);
      if (result instanceof Promise) {
        if (ctx.async === !1)
          throw new $ZodAsyncError();
        return result.then((result2) => runChecks(result2, checks, ctx));
      }
      return runChecks(result, checks, ctx);
    };
  }
}, {
  // Wrappers extend this by installing a richer factory over it; reading it eagerly would defeat the laziness.
  get "~standard"() {
    return hide(this, "~standard", standardProps(this));
  },
  set "~standard"(value) {
    own(this, "~standard", value);
  }
}), toStandardResult = (r, ctx) => r.issues.length ? { issues: r.issues.map((iss) => finalizeIssue(iss, ctx, config())) } : { value: r.value };
async function validateAsync(inst, value) {
  let ctx = { async: !0 };
  return toStandardResult(await inst._zod.run({ value, issues: [] }, ctx), ctx);
}
function standardProps(inst) {
  return {
    validate: (value) => {
      let ctx = { async: !1 };
      try {
        let r = inst._zod.run({ value, issues: [] }, ctx);
        if (!(r instanceof Promise))
          return toStandardResult(r, ctx);
      } catch {
      }
      return validateAsync(inst, value);
    },
    vendor: "zod",
    version: 1
  };
}
var $ZodString = /* @__PURE__ */ $constructor("$ZodString", (inst, def) => {
  $ZodType.init(inst, def), inst._zod.pattern = def.pattern ?? anyString, inst._zod.parse = (payload2, _) => {
    if (def.coerce)
      try {
        payload2.value = String(payload2.value);
      } catch {
      }
    return typeof payload2.value == "string" || payload2.issues.push({
      expected: "string",
      code: "invalid_type",
      input: payload2.value,
      inst
    }), payload2;
  };
}), $ZodStringFormat = /* @__PURE__ */ $constructor("$ZodStringFormat", (inst, def) => {
  $ZodCheckStringFormat.init(inst, def), $ZodString.init(inst, def);
});
var $ZodISODateTime = /* @__PURE__ */ $constructor("$ZodISODateTime", (inst, def) => {
  def.pattern ?? (def.pattern = datetime(def)), $ZodStringFormat.init(inst, def);
}), $ZodISODate = /* @__PURE__ */ $constructor("$ZodISODate", (inst, def) => {
  def.pattern ?? (def.pattern = date), $ZodStringFormat.init(inst, def);
}), $ZodISOTime = /* @__PURE__ */ $constructor("$ZodISOTime", (inst, def) => {
  def.pattern ?? (def.pattern = time(def)), $ZodStringFormat.init(inst, def);
}), $ZodISODuration = /* @__PURE__ */ $constructor("$ZodISODuration", (inst, def) => {
  def.pattern ?? (def.pattern = duration), $ZodStringFormat.init(inst, def);
});
var $ZodNumber = /* @__PURE__ */ $constructor("$ZodNumber", (inst, def) => {
  $ZodType.init(inst, def), inst._zod.pattern = number, inst._zod.parse = (payload2, _ctx) => {
    if (def.coerce)
      try {
        payload2.value = Number(payload2.value);
      } catch {
      }
    let input = payload2.value;
    if (typeof input == "number" && !Number.isNaN(input) && Number.isFinite(input))
      return payload2;
    let received = typeof input == "number" ? Number.isNaN(input) ? "NaN" : Number.isFinite(input) ? void 0 : String(input) : void 0;
    return payload2.issues.push({
      expected: "number",
      code: "invalid_type",
      input,
      inst,
      ...received ? { received } : {}
    }), payload2;
  };
}), $ZodNumberFormat = /* @__PURE__ */ $constructor("$ZodNumberFormat", (inst, def) => {
  $ZodCheckNumberFormat.init(inst, def), $ZodNumber.init(inst, def);
}), $ZodBoolean = /* @__PURE__ */ $constructor("$ZodBoolean", (inst, def) => {
  $ZodType.init(inst, def), inst._zod.pattern = boolean, inst._zod.parse = (payload2, _ctx) => {
    if (def.coerce)
      try {
        payload2.value = !!payload2.value;
      } catch {
      }
    let input = payload2.value;
    return typeof input == "boolean" || payload2.issues.push({
      expected: "boolean",
      code: "invalid_type",
      input,
      inst
    }), payload2;
  };
});
var $ZodNull = /* @__PURE__ */ $constructor("$ZodNull", (inst, def) => {
  $ZodType.init(inst, def), inst._zod.pattern = _null, inst._zod.values = /* @__PURE__ */ new Set([null]), inst._zod.parse = (payload2, _ctx) => {
    let input = payload2.value;
    return input === null || payload2.issues.push({
      expected: "null",
      code: "invalid_type",
      input,
      inst
    }), payload2;
  };
});
var $ZodUnknown = /* @__PURE__ */ $constructor("$ZodUnknown", (inst, def) => {
  $ZodType.init(inst, def), inst._zod.parse = (payload2) => payload2;
}), $ZodNever = /* @__PURE__ */ $constructor("$ZodNever", (inst, def) => {
  $ZodType.init(inst, def), inst._zod.parse = (payload2, _ctx) => (payload2.issues.push({
    expected: "never",
    code: "invalid_type",
    input: payload2.value,
    inst
  }), payload2);
});
function capSize(inst, size) {
  let caps = sizeCaps(inst._zod.def.checks);
  if (!caps.length)
    return;
  let cap = Math.min(...caps.map((c) => c[0])), parse2 = inst._zod.parse;
  inst._zod.parse = (payload2, ctx) => {
    let n = size(payload2.value);
    if (n > cap && !ctx?.skipChecks && ctx?.direction !== "backward") {
      for (let [max, ch] of sizeCaps(inst._zod.def.checks))
        if (n > max && ch._zod.def.when(payload2)) {
          let start = payload2.issues.length;
          return ch._zod.check(payload2), payload2.issues[start].continue = !1, attachSchema(payload2.issues, start, inst), payload2;
        }
    }
    return parse2(payload2, ctx);
  };
}
var arraySize = (input) => Array.isArray(input) ? input.length : -1;
function handleArrayResult(result, final, index) {
  result.issues.length && final.issues.push(...prefixIssues(index, result.issues)), final.value[index] = result.value;
}
var $ZodArray = /* @__PURE__ */ $constructor("$ZodArray", (inst, def) => {
  $ZodType.init(inst, def);
  let memo = globalConfig.memoizer;
  memo?.attach(inst), inst._zod.parse = (payload2, ctx) => {
    let input = payload2.value;
    if (!Array.isArray(input))
      return payload2.issues.push({
        expected: "array",
        code: "invalid_type",
        input,
        inst
      }), payload2;
    payload2.value = memo ? memo.alloc(inst, payload2, Array(input.length), ctx) : Array(input.length);
    let proms = [], abortEarly = ctx?.abortEarly;
    for (let i = 0; i < input.length; i++) {
      let item = input[i], result = def.element._zod.run({
        value: item,
        issues: []
      }, ctx);
      if (result instanceof Promise)
        proms.push(result.then((result2) => handleArrayResult(result2, payload2, i)));
      else if (handleArrayResult(result, payload2, i), abortEarly && result.issues.length !== 0 && aborted(result))
        break;
    }
    return proms.length ? Promise.all(proms).then(() => payload2) : payload2;
  }, capSize(inst, arraySize);
});
function handlePropertyResult(result, final, key, input, optin, optout) {
  let isPresent = key in input, isOptionalOut = optout === "optional";
  if (!(!isPresent && isOptionalOut && optin === "optional")) {
    if (result.issues.length) {
      if (optin !== void 0 && isOptionalOut && !isPresent)
        return;
      final.issues.push(...prefixIssues(key, result.issues));
    }
    if (!isPresent && optin === void 0) {
      result.issues.length || final.issues.push({
        code: "invalid_type",
        expected: "nonoptional",
        input: void 0,
        path: [key]
      });
      return;
    }
    result.value === void 0 ? (isPresent || optin === "defaulted" && !isOptionalOut) && (final.value[key] = void 0) : final.value[key] = result.value;
  }
}
var NO_SYMBOL_KEYS = [];
function normalizeDef(def) {
  let keys = Object.keys(def.shape), ownSymbols = Object.getOwnPropertySymbols(def.shape), symbolKeys = ownSymbols.length ? ownSymbols : NO_SYMBOL_KEYS, allKeys = symbolKeys.length ? [...keys, ...symbolKeys] : keys;
  for (let k of allKeys)
    if (!def.shape?.[k]?._zod?.traits?.has("$ZodType"))
      throw new Error(`Invalid element at key "${String(k)}": expected a Zod schema`);
  let okeys = optionalKeys(def.shape);
  return {
    ...def,
    allKeys,
    symbolKeys,
    // string-only: handleCatchall matches it against `for...in`, which never yields a symbol
    keySet: new Set(keys),
    numKeys: keys.length,
    optionalKeys: new Set(okeys)
  };
}
function handleCatchall(proms, input, payload2, ctx, def, inst, abortEarly) {
  let unrecognized = [], keySet = def.keySet, _catchall = def.catchall._zod, t = _catchall.def.type, optin = _catchall.optin, optout = _catchall.optout, seen = 0;
  for (let key in input) {
    if (abortEarly && payload2.issues.length !== seen) {
      if (aborted(payload2, seen))
        break;
      seen = payload2.issues.length;
    }
    if (keySet.has(key))
      continue;
    if (key === "__proto__") {
      t === "never" && unrecognized.push(key);
      continue;
    }
    if (t === "never") {
      unrecognized.push(key);
      continue;
    }
    let r = _catchall.run({ value: input[key], issues: [] }, ctx);
    r instanceof Promise ? proms.push(r.then((r2) => handlePropertyResult(r2, payload2, key, input, optin, optout))) : handlePropertyResult(r, payload2, key, input, optin, optout);
  }
  return unrecognized.length && payload2.issues.push({
    code: "unrecognized_keys",
    keys: unrecognized,
    input,
    inst,
    // Describes the shape of the input, not the validity of the parsed value, so it never aborts. The parse still fails; the schema's own checks just get to run first, and an enclosing intersection can reconcile the key against a sibling operand.
    continue: !0
  }), proms.length ? Promise.all(proms).then(() => payload2) : payload2;
}
var $ZodObject = /* @__PURE__ */ $constructor("$ZodObject", (inst, def) => {
  $ZodType.init(inst, def);
  let desc = Object.getOwnPropertyDescriptor(def, "shape"), sh = desc?.get ? desc.get.raw : def.shape ?? {};
  if (sh) {
    let get = () => {
      let newSh = { ...sh };
      return Object.defineProperty(def, "shape", { value: newSh }), get.raw = newSh, newSh;
    };
    get.raw = sh, Object.defineProperty(def, "shape", { get });
  }
  let _normalized = cached(() => normalizeDef(def));
  defineLazyInternal(inst, "propValues", (zod) => {
    let shape = zod.def.shape, propValues = {};
    for (let key in shape) {
      let field = shape[key]._zod;
      if (field.values) {
        Object.prototype.hasOwnProperty.call(propValues, key) || assignProp(propValues, key, /* @__PURE__ */ new Set());
        for (let v of field.values)
          propValues[key].add(v);
        field.optin !== void 0 && propValues[key].add(void 0);
      }
    }
    return propValues;
  });
  let isObject2 = isObject, catchall = def.catchall, value, memo = globalConfig.memoizer;
  memo?.attach(inst), inst._zod.parse = (payload2, ctx) => {
    value ?? (value = _normalized.value);
    let input = payload2.value;
    if (!isObject2(input))
      return payload2.issues.push({
        expected: "object",
        code: "invalid_type",
        input,
        inst
      }), payload2;
    payload2.value = memo ? memo.alloc(inst, payload2, {}, ctx) : {};
    let proms = [], shape = value.shape, abortEarly = ctx?.abortEarly, seen = payload2.issues.length;
    for (let key of value.allKeys) {
      if (abortEarly && payload2.issues.length !== seen) {
        if (aborted(payload2, seen))
          break;
        seen = payload2.issues.length;
      }
      if (key === "__proto__")
        continue;
      let el = shape[key], optin = el._zod.optin, optout = el._zod.optout, r = el._zod.run({ value: input[key], issues: [] }, ctx);
      r instanceof Promise ? proms.push(r.then((r2) => handlePropertyResult(r2, payload2, key, input, optin, optout))) : handlePropertyResult(r, payload2, key, input, optin, optout);
    }
    return catchall ? handleCatchall(proms, input, payload2, ctx, _normalized.value, inst, abortEarly === !0) : proms.length ? Promise.all(proms).then(() => payload2) : payload2;
  };
});
function handleUnionResults(results, final, inst, ctx) {
  for (let result of results)
    if (result.issues.length === 0)
      return final.value = result.value, final;
  let nonaborted = results.filter((r) => !aborted(r));
  return nonaborted.length === 1 ? (final.value = nonaborted[0].value, nonaborted[0]) : (final.issues.push({
    code: "invalid_union",
    input: final.value,
    inst,
    errors: results.map((result) => result.issues.map((iss) => finalizeIssue(iss, ctx, config())))
  }), final);
}
var $ZodUnion = /* @__PURE__ */ $constructor("$ZodUnion", (inst, def) => {
  $ZodType.init(inst, def), defineLazyInternal(inst, "optin", (zod) => zod.def.options.some((o) => o._zod.optin === "defaulted") ? "defaulted" : zod.def.options.some((o) => o._zod.optin !== void 0) ? "optional" : void 0), defineLazyInternal(inst, "optout", (zod) => zod.def.options.some((o) => o._zod.optout === "optional") ? "optional" : void 0), defineLazyInternal(inst, "values", (zod) => {
    if (zod.def.options.every((o) => o._zod.values))
      return new Set(zod.def.options.flatMap((option) => Array.from(option._zod.values)));
  }), defineLazyInternal(inst, "pattern", (zod) => {
    if (zod.def.options.every((o) => o._zod.pattern)) {
      let patterns = zod.def.options.map((o) => o._zod.pattern);
      return new RegExp(`^(${patterns.map((p) => cleanRegex(p.source)).join("|")})$`);
    }
  });
  let first = def.options.length === 1 ? def.options[0]._zod.run : null;
  inst._zod.parse = (payload2, ctx) => {
    if (first)
      return first(payload2, ctx);
    let async = !1, results = [];
    for (let option of def.options) {
      let result = option._zod.run({
        value: payload2.value,
        issues: []
      }, ctx);
      if (result instanceof Promise)
        results.push(result), async = !0;
      else {
        if (result.issues.length === 0)
          return result;
        results.push(result);
      }
    }
    return async ? Promise.all(results).then((results2) => handleUnionResults(results2, payload2, inst, ctx)) : handleUnionResults(results, payload2, inst, ctx);
  };
});
function discriminatorMap(def) {
  let map = /* @__PURE__ */ new Map();
  for (let option of def.options) {
    let values = option._zod.propValues?.[def.discriminator];
    if (!values || values.size === 0)
      throw new Error(`Invalid discriminated union option at index "${def.options.indexOf(option)}"`);
    for (let value of values)
      if (map.has(value)) {
        if (value !== void 0)
          throw new Error(`Duplicate discriminator value "${String(value)}"`);
        map.set(value, null);
      } else
        map.set(value, option);
  }
  return map;
}
var $ZodDiscriminatedUnion = /* @__PURE__ */ $constructor("$ZodDiscriminatedUnion", (inst, def) => {
  def.inclusive = !1, $ZodUnion.init(inst, def);
  let _super = inst._zod.parse;
  defineLazyInternal(inst, "propValues", (zod) => {
    let propValues = {}, undefinedCount = 0;
    for (let option of zod.def.options) {
      let pv = option._zod.propValues;
      if (!pv || Object.keys(pv).length === 0)
        throw new Error(`Invalid discriminated union option at index "${zod.def.options.indexOf(option)}"`);
      pv[zod.def.discriminator]?.has(void 0) && undefinedCount++;
      for (let [k, v] of Object.entries(pv)) {
        Object.prototype.hasOwnProperty.call(propValues, k) || assignProp(propValues, k, /* @__PURE__ */ new Set());
        for (let val of v)
          propValues[k].add(val);
      }
    }
    return !zod.def.unionFallback && undefinedCount > 1 && propValues[zod.def.discriminator]?.delete(void 0), propValues;
  }), def.options.forEach((option, i) => {
    let propShape = rawShape(option._zod.def);
    if (propShape && !Object.prototype.hasOwnProperty.call(propShape, def.discriminator))
      throw new Error(`Invalid discriminated union option at index "${i}"`);
  });
  let disc = cached(() => discriminatorMap(def));
  inst._zod.parse = (payload2, ctx) => {
    let input = payload2.value;
    if (!isObject(input))
      return payload2.issues.push({
        code: "invalid_type",
        expected: "object",
        input,
        inst
      }), payload2;
    let value = input?.[def.discriminator], opt = disc.value.get(value);
    return opt && (value !== void 0 || ctx.direction !== "backward") ? opt._zod.run(payload2, ctx) : def.unionFallback || ctx.direction === "backward" ? _super(payload2, ctx) : (payload2.issues.push({
      code: "invalid_union",
      errors: [],
      note: "No matching discriminator",
      discriminator: def.discriminator,
      options: Array.from(disc.value.keys()).filter((value2) => disc.value.get(value2) !== null),
      input,
      path: [def.discriminator],
      inst
    }), payload2);
  };
});
var $ZodRecord = /* @__PURE__ */ $constructor("$ZodRecord", (inst, def) => {
  $ZodType.init(inst, def);
  let memo = globalConfig.memoizer;
  memo?.attach(inst), inst._zod.parse = (payload2, ctx) => {
    let input = payload2.value;
    if (!isPlainObject(input))
      return payload2.issues.push({
        expected: "record",
        code: "invalid_type",
        input,
        inst
      }), payload2;
    let proms = [], values = def.keyType._zod.values;
    if (values && !def.partial) {
      payload2.value = memo ? memo.alloc(inst, payload2, {}, ctx) : {};
      let recordKeys = /* @__PURE__ */ new Set();
      for (let key of values)
        if (typeof key == "string" || typeof key == "number" || typeof key == "symbol") {
          if (recordKeys.add(typeof key == "number" ? key.toString() : key), key === "__proto__")
            continue;
          let keyResult = def.keyType._zod.run({ value: key, issues: [] }, ctx);
          if (keyResult instanceof Promise)
            throw new Error("Async schemas not supported in object keys currently");
          if (keyResult.issues.length) {
            payload2.issues.push({
              code: "invalid_key",
              origin: "record",
              issues: keyResult.issues.map((iss) => finalizeIssue(iss, ctx, config())),
              input: key,
              path: [key],
              inst
            });
            continue;
          }
          let outKey = keyResult.value;
          if (outKey === "__proto__")
            continue;
          let result = def.valueType._zod.run({ value: input[key], issues: [] }, ctx);
          result instanceof Promise ? proms.push(result.then((result2) => {
            result2.issues.length && payload2.issues.push(...prefixIssues(key, result2.issues)), payload2.value[outKey] = result2.value;
          })) : (result.issues.length && payload2.issues.push(...prefixIssues(key, result.issues)), payload2.value[outKey] = result.value);
        }
      let unrecognized;
      for (let key in input)
        if (!recordKeys.has(key))
          if (def.mode === "loose") {
            if (key === "__proto__")
              continue;
            payload2.value[key] = input[key];
          } else
            unrecognized = unrecognized ?? [], unrecognized.push(key);
      unrecognized && unrecognized.length > 0 && payload2.issues.push({
        code: "unrecognized_keys",
        input,
        inst,
        keys: unrecognized,
        continue: !0
      });
    } else {
      payload2.value = memo ? memo.alloc(inst, payload2, {}, ctx) : {};
      let unrecognized;
      for (let key of Reflect.ownKeys(input)) {
        if (key === "__proto__" || !Object.prototype.propertyIsEnumerable.call(input, key))
          continue;
        let keyResult = def.keyType._zod.run({ value: key, issues: [] }, ctx);
        if (keyResult instanceof Promise)
          throw new Error("Async schemas not supported in object keys currently");
        if (typeof key == "string" && number.test(key) && keyResult.issues.length) {
          let retryResult = def.keyType._zod.run({ value: Number(key), issues: [] }, ctx);
          if (retryResult instanceof Promise)
            throw new Error("Async schemas not supported in object keys currently");
          retryResult.issues.length === 0 && (keyResult = retryResult);
        }
        if (keyResult.issues.length) {
          def.mode === "loose" ? payload2.value[key] = input[key] : values ? (unrecognized = unrecognized ?? [], unrecognized.push(key)) : payload2.issues.push({
            code: "invalid_key",
            origin: "record",
            issues: keyResult.issues.map((iss) => finalizeIssue(iss, ctx, config())),
            input: key,
            path: [key],
            inst
          });
          continue;
        }
        let outKey = keyResult.value;
        if (outKey === "__proto__")
          continue;
        let result = def.valueType._zod.run({ value: input[key], issues: [] }, ctx);
        result instanceof Promise ? proms.push(result.then((result2) => {
          result2.issues.length && payload2.issues.push(...prefixIssues(key, result2.issues)), payload2.value[outKey] = result2.value;
        })) : (result.issues.length && payload2.issues.push(...prefixIssues(key, result.issues)), payload2.value[outKey] = result.value);
      }
      unrecognized && unrecognized.length > 0 && payload2.issues.push({
        code: "unrecognized_keys",
        input,
        inst,
        keys: unrecognized,
        continue: !0
      });
    }
    return proms.length ? Promise.all(proms).then(() => payload2) : payload2;
  };
});
var $ZodEnum = /* @__PURE__ */ $constructor("$ZodEnum", (inst, def) => {
  $ZodType.init(inst, def);
  let values = getEnumValues(def.entries), valuesSet = new Set(values);
  inst._zod.values = valuesSet, defineLazyInternal(inst, "pattern", (zod) => {
    let patternValues = getEnumValues(zod.def.entries).filter((k) => propertyKeyTypes.has(typeof k));
    return new RegExp(patternValues.length ? `^(${patternValues.map((o) => escapeRegex(o.toString())).join("|")})$` : "^[^\\s\\S]$");
  }), inst._zod.parse = (payload2, _ctx) => {
    let input = payload2.value;
    return valuesSet.has(input) || payload2.issues.push({
      code: "invalid_value",
      values,
      input,
      inst
    }), payload2;
  };
}), $ZodLiteral = /* @__PURE__ */ $constructor("$ZodLiteral", (inst, def) => {
  $ZodType.init(inst, def);
  let values = new Set(def.values);
  inst._zod.values = values, defineLazyInternal(inst, "pattern", (zod) => {
    let vals = zod.def.values;
    return new RegExp(vals.length ? `^(${vals.map((o) => typeof o == "string" ? escapeRegex(o) : o ? escapeRegex(o.toString()) : String(o)).join("|")})$` : "^[^\\s\\S]$");
  }), inst._zod.parse = (payload2, _ctx) => {
    let input = payload2.value;
    return values.has(input) || payload2.issues.push({
      code: "invalid_value",
      values: def.values,
      input,
      inst
    }), payload2;
  };
});
function handleOptionalResult(payload2, result) {
  return payload2.value = result.issues.length ? void 0 : result.value, payload2;
}
var $ZodOptional = /* @__PURE__ */ $constructor("$ZodOptional", (inst, def) => {
  $ZodType.init(inst, def), defineLazyInternal(inst, "optin", (zod) => zod.def.innerType._zod.optin === "defaulted" ? "defaulted" : "optional"), inst._zod.optout = "optional", defineLazyInternal(inst, "values", (zod) => {
    let values = zod.def.innerType._zod.values;
    return values ? /* @__PURE__ */ new Set([...values, void 0]) : void 0;
  }), defineLazyInternal(inst, "pattern", (zod) => {
    let pattern = zod.def.innerType._zod.pattern;
    return pattern ? new RegExp(`^(${cleanRegex(pattern.source)})?$`) : void 0;
  }), inst._zod.parse = (payload2, ctx) => {
    if (payload2.value === void 0) {
      if (def.innerType._zod.optin !== "defaulted")
        return payload2;
      let result = def.innerType._zod.run({ value: payload2.value, issues: [] }, ctx);
      return result instanceof Promise ? result.then((result2) => handleOptionalResult(payload2, result2)) : handleOptionalResult(payload2, result);
    }
    return def.innerType._zod.run(payload2, ctx);
  };
});
var $ZodNullable = /* @__PURE__ */ $constructor("$ZodNullable", (inst, def) => {
  $ZodType.init(inst, def), defineLazyInternal(inst, "optin", (zod) => zod.def.innerType._zod.optin), defineLazyInternal(inst, "optout", (zod) => zod.def.innerType._zod.optout), defineLazyInternal(inst, "pattern", (zod) => {
    let pattern = zod.def.innerType._zod.pattern;
    return pattern ? new RegExp(`^(${cleanRegex(pattern.source)}|null)$`) : void 0;
  }), defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values ? /* @__PURE__ */ new Set([...zod.def.innerType._zod.values, null]) : void 0), inst._zod.parse = (payload2, ctx) => payload2.value === null ? payload2 : def.innerType._zod.run(payload2, ctx);
});
var $ZodCustom = /* @__PURE__ */ $constructor("$ZodCustom", (inst, def) => {
  $ZodCheck.init(inst, def), $ZodType.init(inst, def), inst._zod.parse = (payload2, _) => payload2, inst._zod.check = (payload2) => {
    let input = payload2.value, r = def.fn(input);
    if (r instanceof Promise)
      return r.then((r2) => handleRefineResult(r2, payload2, input, inst));
    handleRefineResult(r, payload2, input, inst);
  };
});
function handleRefineResult(result, payload2, input, inst) {
  if (!result) {
    let _iss = {
      code: "custom",
      input,
      inst,
      // incorporates params.error into issue reporting
      path: [...inst._zod.def.path ?? []],
      // incorporates params.error into issue reporting
      continue: !inst._zod.def.abort
      // params: inst._zod.def.params,
    };
    inst._zod.def.params && (_iss.params = inst._zod.def.params), payload2.issues.push(issue(_iss));
  }
}

// zod-locales:zod/locales/en-only
var en_only_exports = {};
__export(en_only_exports, {
  en: () => en_default
});

// node_modules/zod/v4/locales/en.js
var error = () => {
  let Sizable = {
    string: { unit: "characters", verb: "to have" },
    file: { unit: "bytes", verb: "to have" },
    array: { unit: "items", verb: "to have" },
    set: { unit: "items", verb: "to have" },
    map: { unit: "entries", verb: "to have" }
  };
  function getSizing(origin) {
    return Sizable[origin] ?? null;
  }
  let FormatDictionary = {
    regex: "input",
    email: "email address",
    url: "URL",
    emoji: "emoji",
    uuid: "UUID",
    uuidv4: "UUIDv4",
    uuidv6: "UUIDv6",
    nanoid: "nanoid",
    guid: "GUID",
    cuid: "cuid",
    cuid2: "cuid2",
    ulid: "ULID",
    xid: "XID",
    ksuid: "KSUID",
    datetime: "ISO datetime",
    date: "ISO date",
    time: "ISO time",
    duration: "ISO duration",
    ipv4: "IPv4 address",
    ipv6: "IPv6 address",
    mac: "MAC address",
    cidrv4: "IPv4 range",
    cidrv6: "IPv6 range",
    base64: "base64-encoded string",
    base64url: "base64url-encoded string",
    json_string: "JSON string",
    e164: "E.164 number",
    currency_code: "currency code",
    credit_card: "credit card number",
    iban: "IBAN",
    jwt: "JWT",
    template_literal: "input"
  }, TypeDictionary = {
    // Compatibility: "nan" -> "NaN" for display
    nan: "NaN"
    // All other type names omitted - they fall back to raw values via ?? operator
  };
  function getTypeName(type, input) {
    return type === "number" && typeof input == "number" && !Number.isFinite(input) ? String(input) : TypeDictionary[type] ?? type;
  }
  return (issue2) => {
    switch (issue2.code) {
      case "invalid_type": {
        let expected = getTypeName(issue2.expected), receivedType = parsedType(issue2.input), received = getTypeName(receivedType, issue2.input);
        return `Invalid input: expected ${expected}, received ${received}`;
      }
      case "invalid_value":
        return issue2.values.length === 1 ? `Invalid input: expected ${stringifyPrimitive(issue2.values[0])}` : `Invalid option: expected one of ${joinValues(issue2.values, "|")}`;
      case "too_big": {
        let adj = issue2.exact ? "exactly " : issue2.inclusive ? "<=" : "<", sizing = getSizing(issue2.origin);
        return sizing ? `Too big: expected ${issue2.origin ?? "value"} to have ${adj}${issue2.maximum.toString()} ${sizing.unit ?? "elements"}` : `Too big: expected ${issue2.origin ?? "value"} to be ${adj}${issue2.maximum.toString()}`;
      }
      case "too_small": {
        let adj = issue2.exact ? "exactly " : issue2.inclusive ? ">=" : ">", sizing = getSizing(issue2.origin);
        return sizing ? `Too small: expected ${issue2.origin} to have ${adj}${issue2.minimum.toString()} ${sizing.unit}` : `Too small: expected ${issue2.origin} to be ${adj}${issue2.minimum.toString()}`;
      }
      case "invalid_format": {
        let _issue = issue2;
        return _issue.format === "starts_with" ? `Invalid string: must start with "${_issue.prefix}"` : _issue.format === "ends_with" ? `Invalid string: must end with "${_issue.suffix}"` : _issue.format === "includes" ? `Invalid string: must include "${_issue.includes}"` : _issue.format === "regex" ? `Invalid string: must match pattern ${_issue.pattern}` : `Invalid ${FormatDictionary[_issue.format] ?? issue2.format}`;
      }
      case "not_multiple_of":
        return `Invalid number: must be a multiple of ${issue2.divisor}`;
      case "unrecognized_keys":
        return `Unrecognized key${issue2.keys.length > 1 ? "s" : ""}: ${joinValues(issue2.keys, ", ")}`;
      case "invalid_key":
        return `Invalid key in ${issue2.origin}`;
      case "invalid_union":
        return issue2.options && Array.isArray(issue2.options) && issue2.options.length > 0 ? `Invalid discriminator value. Expected ${issue2.options.map((o) => `'${o}'`).join(" | ")}` : issue2.inclusive === !1 ? "Invalid input: more than one option matched" : "Invalid input";
      case "invalid_element":
        return `Invalid value in ${issue2.origin}`;
      default:
        return "Invalid input";
    }
  };
};
function en_default() {
  return {
    localeError: error()
  };
}

// node_modules/zod/v4/core/api.js
function snapshotChecks(def) {
  return def.checks && (def.checks = [...def.checks]), def;
}
// @__NO_SIDE_EFFECTS__
function _string(Class, params) {
  return new Class(snapshotChecks({ type: "string", ...normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _isoDateTime(Class, params) {
  return new Class({
    type: "string",
    format: "datetime",
    check: "string_format",
    offset: !1,
    local: !1,
    precision: null,
    ...normalizeParams(params)
  });
}
// @__NO_SIDE_EFFECTS__
function _isoDate(Class, params) {
  return new Class({
    type: "string",
    format: "date",
    check: "string_format",
    ...normalizeParams(params)
  });
}
// @__NO_SIDE_EFFECTS__
function _isoTime(Class, params) {
  return new Class({
    type: "string",
    format: "time",
    check: "string_format",
    precision: null,
    ...normalizeParams(params)
  });
}
// @__NO_SIDE_EFFECTS__
function _isoDuration(Class, params) {
  return new Class({
    type: "string",
    format: "duration",
    check: "string_format",
    ...normalizeParams(params)
  });
}
// @__NO_SIDE_EFFECTS__
function _number(Class, params) {
  return new Class(snapshotChecks({ type: "number", checks: [], ...normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _int(Class, params) {
  return new Class({
    type: "number",
    check: "number_format",
    abort: !1,
    format: "safeint",
    ...normalizeParams(params)
  });
}
// @__NO_SIDE_EFFECTS__
function _boolean(Class, params) {
  return new Class({
    type: "boolean",
    ...normalizeParams(params)
  });
}
// @__NO_SIDE_EFFECTS__
function _null2(Class, params) {
  return new Class({
    type: "null",
    ...normalizeParams(params)
  });
}
// @__NO_SIDE_EFFECTS__
function _unknown(Class) {
  return new Class({
    type: "unknown"
  });
}
// @__NO_SIDE_EFFECTS__
function _never(Class, params) {
  return new Class({
    type: "never",
    ...normalizeParams(params)
  });
}
// @__NO_SIDE_EFFECTS__
function _gt(value, params) {
  return new $ZodCheckGreaterThan({
    check: "greater_than",
    ...normalizeParams(params),
    value,
    inclusive: !1
  });
}
// @__NO_SIDE_EFFECTS__
function _gte(value, params) {
  return new $ZodCheckGreaterThan({
    check: "greater_than",
    ...normalizeParams(params),
    value,
    inclusive: !0
  });
}
// @__NO_SIDE_EFFECTS__
function _positive(params) {
  return /* @__PURE__ */ _gt(0, params);
}
// @__NO_SIDE_EFFECTS__
function _nonnegative(params) {
  return /* @__PURE__ */ _gte(0, params);
}
// @__NO_SIDE_EFFECTS__
function _maxLength(maximum, params) {
  return new $ZodCheckMaxLength({
    check: "max_length",
    ...normalizeParams(params),
    maximum
  });
}
// @__NO_SIDE_EFFECTS__
function _minLength(minimum, params) {
  return new $ZodCheckMinLength({
    check: "min_length",
    ...normalizeParams(params),
    minimum
  });
}
// @__NO_SIDE_EFFECTS__
function _regex(pattern, params) {
  return new $ZodCheckRegex({
    check: "string_format",
    format: "regex",
    ...normalizeParams(params),
    pattern
  });
}
// @__NO_SIDE_EFFECTS__
function _refine(Class, fn, _params) {
  return new Class({
    type: "custom",
    check: "custom",
    fn,
    ...normalizeParams(_params)
  });
}
// @__NO_SIDE_EFFECTS__
function _superRefine(fn, params) {
  let ch = /* @__PURE__ */ _check((payload2) => (payload2.addIssue = (issue2) => {
    if (typeof issue2 == "string")
      payload2.issues.push(issue(issue2, payload2.value, ch._zod.def));
    else {
      let _issue = issue2;
      _issue.fatal && (_issue.continue = !1), _issue.code ?? (_issue.code = "custom"), "input" in _issue || (_issue.input = payload2.value), _issue.inst ?? (_issue.inst = ch), _issue.continue ?? (_issue.continue = !ch._zod.def.abort), payload2.issues.push(issue(_issue));
    }
  }, fn(payload2.value, payload2)), params);
  return ch;
}
// @__NO_SIDE_EFFECTS__
function _check(fn, params) {
  let ch = new $ZodCheck({
    check: "custom",
    ...normalizeParams(params)
  });
  return ch._zod.check = fn, ch;
}

// node_modules/zod/v4/mini/schemas.js
var ZodMiniType = /* @__PURE__ */ $constructor("ZodMiniType", (inst, def) => {
  if (!inst._zod)
    throw new Error("Uninitialized schema in ZodMiniType.");
  $ZodType.init(inst, def), inst.def = def, inst.type = def.type;
}, {
  // `with` is an alias for `check`: the same function object, not a wrapper.
  get with() {
    return this.check;
  },
  set with(value) {
    own(this, "with", value);
  },
  parse(data, params) {
    return parse(this, data, params, { callee: this.parse });
  },
  parseAsync(data, params) {
    return parseAsync(this, data, params, { callee: this.parseAsync });
  },
  safeParse(data, params) {
    return safeParse(this, data, params);
  },
  safeParseAsync(data, params) {
    return safeParseAsync(this, data, params);
  },
  check(...checks) {
    let def = this.def;
    return this.clone({
      ...def,
      checks: [
        ...def.checks ?? [],
        ...checks.map((ch) => typeof ch == "function" ? { _zod: { check: ch, def: { check: "custom" }, onattach: [] } } : ch)
      ]
    }, { parent: !0 });
  },
  clone(_def, params) {
    return clone(this, _def, params);
  },
  brand() {
    return this;
  },
  register(reg, meta2) {
    return reg.add(this, meta2), this;
  },
  apply(fn, ...args) {
    return args.length === 0 ? fn(this) : fn(this, ...args);
  }
}), ZodMiniString = /* @__PURE__ */ $constructor("ZodMiniString", (inst, def) => {
  $ZodString.init(inst, def), ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function string2(params) {
  return _string(ZodMiniString, params);
}
var ZodMiniStringFormat = /* @__PURE__ */ $constructor("ZodMiniStringFormat", (inst, def) => {
  $ZodStringFormat.init(inst, def), ZodMiniString.init(inst, def);
});
var ZodMiniNumber = /* @__PURE__ */ $constructor("ZodMiniNumber", (inst, def) => {
  $ZodNumber.init(inst, def), ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function number2(params) {
  return _number(ZodMiniNumber, params);
}
var ZodMiniNumberFormat = /* @__PURE__ */ $constructor("ZodMiniNumberFormat", (inst, def) => {
  $ZodNumberFormat.init(inst, def), ZodMiniNumber.init(inst, def);
});
function int(params) {
  return _int(ZodMiniNumberFormat, params);
}
var ZodMiniBoolean = /* @__PURE__ */ $constructor("ZodMiniBoolean", (inst, def) => {
  $ZodBoolean.init(inst, def), ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function boolean2(params) {
  return _boolean(ZodMiniBoolean, params);
}
var ZodMiniNull = /* @__PURE__ */ $constructor("ZodMiniNull", (inst, def) => {
  $ZodNull.init(inst, def), ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function _null3(params) {
  return _null2(ZodMiniNull, params);
}
var ZodMiniUnknown = /* @__PURE__ */ $constructor("ZodMiniUnknown", (inst, def) => {
  $ZodUnknown.init(inst, def), ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function unknown() {
  return _unknown(ZodMiniUnknown);
}
var ZodMiniNever = /* @__PURE__ */ $constructor("ZodMiniNever", (inst, def) => {
  $ZodNever.init(inst, def), ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function never(params) {
  return _never(ZodMiniNever, params);
}
var ZodMiniArray = /* @__PURE__ */ $constructor("ZodMiniArray", (inst, def) => {
  $ZodArray.init(inst, def), ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function array(element, params) {
  return new ZodMiniArray({
    type: "array",
    element,
    ...normalizeParams(params)
  });
}
var ZodMiniObject = /* @__PURE__ */ $constructor("ZodMiniObject", (inst, def) => {
  $ZodObject.init(inst, def), ZodMiniType.init(inst, def), installLazyProp(inst, "shape", (self) => self._zod.def.shape, !1);
});
// @__NO_SIDE_EFFECTS__
function object(shape, params) {
  let def = {
    type: "object",
    shape: shape ?? {},
    ...normalizeParams(params)
  };
  return new ZodMiniObject(def);
}
// @__NO_SIDE_EFFECTS__
function strictObject(shape, params) {
  return new ZodMiniObject({
    type: "object",
    shape,
    catchall: /* @__PURE__ */ never(),
    ...normalizeParams(params)
  });
}
var ZodMiniUnion = /* @__PURE__ */ $constructor("ZodMiniUnion", (inst, def) => {
  $ZodUnion.init(inst, def), ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function union(options2, params) {
  return new ZodMiniUnion({
    type: "union",
    options: options2,
    ...normalizeParams(params)
  });
}
var ZodMiniDiscriminatedUnion = /* @__PURE__ */ $constructor("ZodMiniDiscriminatedUnion", (inst, def) => {
  $ZodDiscriminatedUnion.init(inst, def), ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function discriminatedUnion(discriminator, options2, params) {
  return new ZodMiniDiscriminatedUnion({
    type: "union",
    options: options2,
    discriminator,
    ...normalizeParams(params)
  });
}
var ZodMiniRecord = /* @__PURE__ */ $constructor("ZodMiniRecord", (inst, def) => {
  $ZodRecord.init(inst, def), ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function record(keyType, valueType, params) {
  return !valueType || !valueType._zod ? new ZodMiniRecord({
    type: "record",
    keyType: /* @__PURE__ */ string2(),
    valueType: keyType,
    ...normalizeParams(valueType)
  }) : new ZodMiniRecord({
    type: "record",
    keyType,
    valueType,
    ...normalizeParams(params)
  });
}
var ZodMiniEnum = /* @__PURE__ */ $constructor("ZodMiniEnum", (inst, def) => {
  $ZodEnum.init(inst, def), ZodMiniType.init(inst, def), inst.options = [...inst._zod.values];
});
// @__NO_SIDE_EFFECTS__
function _enum(values, params) {
  let entries = Array.isArray(values) ? Object.fromEntries(values.map((v) => [v, v])) : values;
  return new ZodMiniEnum({
    type: "enum",
    entries,
    ...normalizeParams(params)
  });
}
var ZodMiniLiteral = /* @__PURE__ */ $constructor("ZodMiniLiteral", (inst, def) => {
  $ZodLiteral.init(inst, def), ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function literal(value, params) {
  return new ZodMiniLiteral({
    type: "literal",
    values: Array.isArray(value) ? value : [value],
    ...normalizeParams(params)
  });
}
var ZodMiniOptional = /* @__PURE__ */ $constructor("ZodMiniOptional", (inst, def) => {
  $ZodOptional.init(inst, def), ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function optional(innerType) {
  return new ZodMiniOptional({
    type: "optional",
    innerType
  });
}
var ZodMiniNullable = /* @__PURE__ */ $constructor("ZodMiniNullable", (inst, def) => {
  $ZodNullable.init(inst, def), ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function nullable(innerType) {
  return new ZodMiniNullable({
    type: "nullable",
    innerType
  });
}
var ZodMiniCustom = /* @__PURE__ */ $constructor("ZodMiniCustom", (inst, def) => {
  $ZodCustom.init(inst, def), ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function refine(fn, _params = {}) {
  return _refine(ZodMiniCustom, fn, _params);
}
// @__NO_SIDE_EFFECTS__
function superRefine(fn, params) {
  return _superRefine(fn, params);
}

// node_modules/zod/v4/mini/iso.js
var iso_exports = {};
__export(iso_exports, {
  ZodMiniISODate: () => ZodMiniISODate,
  ZodMiniISODateTime: () => ZodMiniISODateTime,
  ZodMiniISODuration: () => ZodMiniISODuration,
  ZodMiniISOTime: () => ZodMiniISOTime,
  date: () => date2,
  datetime: () => datetime2,
  duration: () => duration2,
  time: () => time2
});
var ZodMiniISODateTime = /* @__PURE__ */ $constructor("ZodMiniISODateTime", (inst, def) => {
  $ZodISODateTime.init(inst, def), ZodMiniStringFormat.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function datetime2(params) {
  return _isoDateTime(ZodMiniISODateTime, params);
}
var ZodMiniISODate = /* @__PURE__ */ $constructor("ZodMiniISODate", (inst, def) => {
  $ZodISODate.init(inst, def), ZodMiniStringFormat.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function date2(params) {
  return _isoDate(ZodMiniISODate, params);
}
var ZodMiniISOTime = /* @__PURE__ */ $constructor("ZodMiniISOTime", (inst, def) => {
  $ZodISOTime.init(inst, def), ZodMiniStringFormat.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function time2(params) {
  return _isoTime(ZodMiniISOTime, params);
}
var ZodMiniISODuration = /* @__PURE__ */ $constructor("ZodMiniISODuration", (inst, def) => {
  $ZodISODuration.init(inst, def), ZodMiniStringFormat.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function duration2(params) {
  return _isoDuration(ZodMiniISODuration, params);
}

// web/src/schemas/zod.ts
config(en_only_exports.en());

// web/src/schemas/call.ts
var CALL_STATES = ["ringing", "dialing", "answered", "ended", "missed", "busy", "failed"], CALL_DIRECTIONS = ["in", "out", "internal"], callStateSchema = _enum(CALL_STATES), callDirectionSchema = _enum(CALL_DIRECTIONS), STATE_RANK = {
  ringing: 0,
  dialing: 0,
  answered: 1,
  ended: 2,
  missed: 2,
  busy: 2,
  failed: 2
}, FINAL_RANK = 2, callerModelSchema = _enum(["res.partner", "crm.lead"]), recordIdSchema = int().check(_positive());

// web/src/lib/call_stack.ts
var MAX_CARDS = 5, FADE_AFTER_MS = 3e4;
function stateRank(state) {
  return STATE_RANK[state];
}
function isFinal(state) {
  return STATE_RANK[state] === FINAL_RANK;
}
function merge2(card, call, now) {
  let next = stateRank(call.state) < stateRank(card.call.state) ? { ...call, state: card.call.state } : call;
  return {
    ...card,
    call: next,
    updatedAt: now,
    // What the user is typing wins over the server's copy until it is saved.
    notes: card.notesDirty ? card.notes : call.notes,
    idleSince: isFinal(next.state) ? card.idleSince ?? now : null,
    talkedHere: card.talkedHere || talked(call)
  };
}
function talked(call) {
  return call.state === "answered" && !call.transferred_to;
}
function order(stack) {
  return stack.sort(
    (a, b) => stateRank(a.call.state) - stateRank(b.call.state) || b.receivedAt - a.receivedAt || b.call.call_id - a.call.call_id
  );
}
function trim(stack) {
  for (; stack.length > MAX_CARDS; ) {
    let finished = stack.filter((card) => isFinal(card.call.state)), victim = finished.filter((card) => !card.notesDirty).pop() ?? finished.pop();
    if (!victim)
      break;
    stack.splice(stack.indexOf(victim), 1);
  }
  return stack;
}
function touch(card, now) {
  return card.idleSince === null ? card : { ...card, idleSince: now };
}
function receiveCall(stack, call, now) {
  let index = stack.findIndex((card2) => card2.call.call_id === call.call_id);
  if (call.blocked)
    return index === -1 ? stack : dismissCall(stack, call.call_id);
  if (index !== -1) {
    let next = [...stack];
    return next[index] = merge2(stack[index], call, now), order(next);
  }
  let card = {
    call,
    receivedAt: now,
    updatedAt: now,
    notes: call.notes,
    notesDirty: !1,
    busy: !1,
    idleSince: isFinal(call.state) ? now : null,
    pinned: !1,
    folded: !1,
    hovered: !1,
    confirmingBlock: !1,
    talkedHere: talked(call)
  };
  return trim(order([card, ...stack]));
}
function restoreCard(stack, card, now) {
  let back = { ...card, call: { ...card.call, blocked: !1 }, busy: !1, confirmingBlock: !1 };
  return trim(order([touch(back, now), ...dismissCall(stack, card.call.call_id)]));
}
function dismissCall(stack, callId) {
  return stack.filter((card) => card.call.call_id !== callId);
}
function editNotes(stack, callId, notes, now = 0) {
  return update(stack, callId, (card) => touch({ ...card, notes, notesDirty: notes !== card.call.notes }, now));
}
function notesSaved(stack, callId, notes, now = 0) {
  return update(
    stack,
    callId,
    (card) => touch({ ...card, call: { ...card.call, notes }, notesDirty: card.notes !== notes }, now)
  );
}
function setPinned(stack, callId, pinned, now = 0) {
  return update(stack, callId, (card) => touch({ ...card, pinned, folded: !pinned }, now));
}
function toggleFolded(stack, callId, now = 0) {
  let index = stack.findIndex((card) => card.call.call_id === callId);
  return index === -1 ? stack : setPinned(stack, callId, isCollapsed(stack, index), now);
}
function setHovered(stack, callId, hovered, now = 0) {
  return update(stack, callId, (card) => card.hovered === hovered ? card : touch({ ...card, hovered }, now));
}
function setConfirmingBlock(stack, callId, confirming, now = 0) {
  return update(stack, callId, (card) => touch({ ...card, confirmingBlock: confirming }, now));
}
function isCollapsed(stack, index) {
  let card = stack[index];
  return card.confirmingBlock ? !1 : card.folded ? !0 : index > 0 && !card.pinned && !card.notesDirty && !card.busy;
}
function isFading(card) {
  return card.idleSince !== null && !card.hovered && !card.notesDirty && !card.busy && !card.confirmingBlock;
}
function expireCards(stack, now, fadeAfter = FADE_AFTER_MS) {
  let kept = stack.filter((card) => !isFading(card) || now - card.idleSince < fadeAfter);
  return kept.length === stack.length ? stack : kept;
}
function nextExpiry(stack, fadeAfter = FADE_AFTER_MS) {
  let times = stack.filter(isFading).map((card) => card.idleSince + fadeAfter);
  return times.length ? Math.min(...times) : null;
}
function setBusy(stack, callId, busy) {
  return update(stack, callId, (card) => ({ ...card, busy }));
}
function findCard(stack, callId) {
  return stack.find((card) => card.call.call_id === callId);
}
function update(stack, callId, change) {
  let index = stack.findIndex((card) => card.call.call_id === callId);
  if (index === -1)
    return stack;
  let next = [...stack];
  return next[index] = change(stack[index]), next;
}

// web/src/odoo/hooks.ts
import { useService } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";

// web/src/services/call_popup_service.ts
import { reactive } from "@odoo/owl";

// web/src/odoo/compat.ts
import { session } from "@web/session";
function odooModule(name) {
  return (typeof odoo > "u" ? void 0 : odoo?.loader)?.modules.get(name);
}
function odooMajorVersion() {
  let first = session.server_version_info?.[0];
  if (typeof first == "number")
    return first;
  let match = typeof first == "string" ? /(\d+)/.exec(first) : null;
  return match ? Number(match[1]) : 0;
}
function listViewType() {
  return odooMajorVersion() >= 18 ? "list" : "tree";
}
function recordUrl(model, id) {
  return odooMajorVersion() >= 18 ? `/odoo/${model.includes(".") ? model : `m-${model}`}/${id}` : `/web#id=${id}&model=${encodeURIComponent(model)}&view_type=form`;
}
function getRpc() {
  let v18 = odooModule("@web/core/network/rpc");
  if (v18?.rpc)
    return v18.rpc;
  let v17 = odooModule("@web/core/network/rpc_service");
  if (v17?.jsonrpc)
    return v17.jsonrpc;
  throw new Error("pbx_callcenter: neither @web/core/network/rpc (18) nor rpc_service (17) is loaded");
}
var rpc = (route, params, settings) => getRpc()(route, params, settings);
function getUser(env) {
  let v18 = odooModule("@web/core/user");
  if (v18?.user)
    return v18.user;
  let v17 = env.services.user;
  if (v17)
    return v17;
  throw new Error("pbx_callcenter: neither @web/core/user (18) nor the user service (17) is available");
}

// web/src/odoo/l10n.ts
import { _t } from "@web/core/l10n/translation";

// web/src/schemas/bus_call.ts
var E164 = /^\+[1-9]\d{1,14}$/, busCallerSchema = object({
  model: callerModelSchema,
  id: recordIdSchema,
  name: string2(),
  company: nullable(string2()),
  image_url: nullable(string2().check(_minLength(1))),
  email: nullable(string2())
}), busOpportunitySchema = object({
  id: recordIdSchema,
  name: string2(),
  stage: nullable(string2()),
  expected_revenue: number2(),
  /** The amount as Odoo formats it for the recipient: their language, the company currency. */
  expected_revenue_formatted: string2()
}), busLastCallSchema = object({
  id: recordIdSchema,
  direction: callDirectionSchema,
  state: callStateSchema,
  /** UTC, ISO 8601 with Z. */
  start: iso_exports.datetime(),
  duration: int().check(_nonnegative())
}), BUS_CALL_TYPE = "pbx_callcenter/call", payload = {
  call_id: recordIdSchema,
  callid: string2().check(_minLength(1)),
  connection_id: recordIdSchema,
  state: callStateSchema,
  direction: callDirectionSchema,
  phone: string2().check(_minLength(1)),
  phone_e164: nullable(string2().check(_regex(E164, "E.164, e.g. +84989464344"))),
  extension: string2().check(_minLength(1)),
  known: boolean2(),
  auto_created: boolean2(),
  blocked: boolean2(),
  caller: nullable(busCallerSchema),
  opportunities: array(busOpportunitySchema),
  last_calls: array(busLastCallSchema),
  open_in_new_tab: boolean2(),
  notes: string2(),
  /** The extension that has the call now, sent to a user it moved away from (a transfer, a
   * ring group's other member answering); null or absent otherwise. */
  transferred_to: optional(nullable(string2().check(_minLength(1))))
}, busCallSchema = discriminatedUnion("known", [
  object({ ...payload, known: literal(!0), caller: busCallerSchema }),
  discriminatedUnion("auto_created", [
    object({ ...payload, known: literal(!1), auto_created: literal(!0), caller: busCallerSchema }),
    object({ ...payload, known: literal(!1), auto_created: literal(!1), caller: _null3() })
  ])
]);

// web/src/services/call_popup_service.ts
var CALL_NOTIFICATION = BUS_CALL_TYPE, CALL_POPUP_SERVICE = "pbx_callcenter.call_popup", CALL_MODEL = "pbx.call", recordActionSchema = object({
  type: literal("ir.actions.act_window"),
  res_model: _enum(["res.partner", "crm.lead"]),
  context: record(string2(), unknown())
}), callsInProgressSchema = array(unknown()), UNDO_DELAY_MS = 1e4, CallPopupModel = class {
  state;
  stack = [];
  deps;
  now;
  openWindow;
  /** How long a finished card stays once left alone (ms). */
  fadeAfterMs;
  fadeTimer;
  constructor(deps, options2 = {}) {
    this.deps = deps, this.now = options2.now ?? (() => Date.now()), this.openWindow = options2.openWindow ?? ((url) => window.open(url, "_blank", "noopener")), this.fadeAfterMs = options2.fadeAfterMs ?? FADE_AFTER_MS, this.state = reactive({ cards: this.stack, ignored: 0 });
  }
  /** Shows again the user's calls still in progress (after a reload). Never throws. */
  async restore() {
    try {
      let result = await this.deps.orm.call(CALL_MODEL, "popup_calls_in_progress", []), parsed = callsInProgressSchema.safeParse(result);
      if (!parsed.success) {
        console.warn("pbx_callcenter: unexpected answer to popup_calls_in_progress", result);
        return;
      }
      for (let payload2 of parsed.data)
        this.receive(payload2);
    } catch (error2) {
      console.warn("pbx_callcenter: could not restore the calls in progress", error2);
    }
  }
  // ---- bus ------------------------------------------------------------------------
  /** Handles one bus payload; returns whether it was accepted. Never throws. */
  receive(payload2) {
    try {
      let parsed = busCallSchema.safeParse(payload2);
      return parsed.success ? (this.commit(receiveCall(this.stack, parsed.data, this.now())), !0) : (this.state.ignored++, console.warn(
        `pbx_callcenter: ignored a malformed "${CALL_NOTIFICATION}" notification`,
        prettifyError(parsed.error),
        payload2
      ), !1);
    } catch (error2) {
      return this.state.ignored++, console.warn(`pbx_callcenter: could not show a "${CALL_NOTIFICATION}" notification`, error2), !1;
    }
  }
  // ---- card actions ---------------------------------------------------------------
  dismiss(callId) {
    this.commit(dismissCall(this.stack, callId));
  }
  editNotes(callId, notes) {
    this.commit(editNotes(this.stack, callId, notes, this.now()));
  }
  /** The card's chevron: one line to full, full to one line (the top card too). */
  toggleFolded(callId) {
    this.commit(toggleFolded(this.stack, callId, this.now()));
  }
  /** The pointer over a card: it does not fade while it is read. */
  hover(callId, hovered) {
    this.commit(setHovered(this.stack, callId, hovered, this.now()));
  }
  /** First click on *Block number*: the card asks for confirmation. */
  askBlock(callId) {
    this.commit(setConfirmingBlock(this.stack, callId, !0, this.now()));
  }
  cancelBlock(callId) {
    this.commit(setConfirmingBlock(this.stack, callId, !1, this.now()));
  }
  /** Opens the caller's record: in this tab, or a new one when the connection says so. */
  async open(callId) {
    let caller = findCard(this.stack, callId)?.call.caller;
    if (caller) {
      if (findCard(this.stack, callId)?.call.open_in_new_tab) {
        this.openWindow(recordUrl(caller.model, caller.id));
        return;
      }
      this.foldUnderForm(callId), await this.deps.action.doAction({
        type: "ir.actions.act_window",
        res_model: caller.model,
        res_id: caller.id,
        views: [[!1, "form"]],
        target: "current"
      });
    }
  }
  /** The caller's form opens in this tab and shows what the card did: the card folds to one
   * line so that it does not cover the form's fields (unless notes typed in it are not saved).
   * Folded before the form opens: the action service's promise may settle much later, after
   * the user opened the card again. */
  foldUnderForm(callId) {
    let card = findCard(this.stack, callId);
    card && !card.notesDirty && this.commit(setPinned(this.stack, callId, !1, this.now()));
  }
  /** Opens a new contact or lead form for an unknown number, with the number and the card's
   * notes filled in (unsaved notes are saved on the call first); saving it links the call. */
  async create(callId, kind) {
    let method = kind === "partner" ? "action_create_partner" : "action_create_lead";
    await this.run(callId, async () => {
      let card = findCard(this.stack, callId);
      card?.notesDirty && (await this.deps.orm.write(CALL_MODEL, [callId], { notes: card.notes }), this.commit(notesSaved(this.stack, callId, card.notes, this.now())));
      let result = await this.deps.orm.call(CALL_MODEL, method, [[callId]]), action = recordActionSchema.safeParse(result);
      if (!action.success)
        throw new Error(_t("The server returned an unexpected answer."));
      this.foldUnderForm(callId), await this.deps.action.doAction({ ...action.data, views: [[!1, "form"]], target: "current" });
    });
  }
  async saveNotes(callId) {
    let card = findCard(this.stack, callId);
    if (!card)
      return;
    let notes = card.notes;
    await this.run(callId, async () => {
      await this.deps.orm.write(CALL_MODEL, [callId], { notes }), this.commit(notesSaved(this.stack, callId, notes, this.now())), this.deps.notification.add(_t("Notes saved."), { type: "success" });
    });
  }
  /** Confirmed *Block number*: blacklists the number for the whole company (no more popups,
   * call logs or auto-created records for it; Odoo's SMS skip it too), closes the card and
   * offers an Undo. */
  async block(callId) {
    let card = findCard(this.stack, callId);
    if (!card)
      return;
    let number3 = card.call.phone_e164 ?? card.call.phone;
    await this.run(callId, async () => {
      await this.deps.orm.call(CALL_MODEL, "action_block_number", [[callId]]), this.commit(dismissCall(this.stack, callId));
      let close = this.deps.notification.add(_t("%s is blocked.", number3), {
        type: "success",
        // 17's notification component refuses props it does not know.
        ...odooMajorVersion() >= 18 ? { autocloseDelay: UNDO_DELAY_MS } : {},
        buttons: [
          {
            name: _t("Undo"),
            primary: !0,
            onClick: () => {
              close(), this.unblock(card);
            }
          }
        ]
      });
    });
  }
  /** Undo of a block: the number leaves the blacklist and the card comes back. */
  async unblock(card) {
    let callId = card.call.call_id, number3 = card.call.phone_e164 ?? card.call.phone;
    try {
      await this.deps.orm.call(CALL_MODEL, "action_unblock_number", [[callId]]);
    } catch (error2) {
      this.deps.notification.add(errorMessage(error2), { title: _t("Call popup"), type: "danger" });
      return;
    }
    this.commit(restoreCard(this.stack, card, this.now())), this.deps.notification.add(_t("%s is no longer blocked.", number3), { type: "info" });
  }
  // ---- helpers ---------------------------------------------------------------------
  card(callId) {
    return findCard(this.stack, callId);
  }
  commit(stack) {
    this.stack = stack, this.state.cards = stack, this.scheduleFade();
  }
  /** Removes the finished cards whose time is up, then waits for the next one. */
  scheduleFade() {
    clearTimeout(this.fadeTimer), this.fadeTimer = void 0;
    let next = nextExpiry(this.stack, this.fadeAfterMs);
    next !== null && (this.fadeTimer = setTimeout(() => {
      this.fadeTimer = void 0, this.commit(expireCards(this.stack, this.now(), this.fadeAfterMs));
    }, Math.max(100, next - this.now())));
  }
  /** Runs a server action of a card: buttons disabled meanwhile, errors as a notification. */
  async run(callId, action) {
    if (!findCard(this.stack, callId)?.busy) {
      this.commit(setBusy(this.stack, callId, !0));
      try {
        await action();
      } catch (error2) {
        this.deps.notification.add(errorMessage(error2), { title: _t("Call popup"), type: "danger" });
      } finally {
        this.commit(setBusy(this.stack, callId, !1));
      }
    }
  }
};
function errorMessage(error2) {
  let data = error2?.data;
  return typeof data?.message == "string" && data.message ? data.message : error2 instanceof Error && error2.message ? error2.message : _t("Something went wrong.");
}
var callPopupService = {
  dependencies: ["bus_service", "orm", "action", "notification"],
  start(_env, { bus_service, orm, action, notification }) {
    let model = new CallPopupModel({ orm, action, notification });
    return subscribe(bus_service, model), model.restore(), model;
  }
};
function subscribe(bus, model) {
  bus.subscribe(CALL_NOTIFICATION, (payload2) => {
    model.receive(payload2);
  });
}

// web/src/components/call_popup/call_popup.ts
import { Component as Component2 } from "@odoo/owl";

// web/src/lib/popup_format.ts
function formatDuration(seconds) {
  let total = Math.max(0, Math.floor(seconds)), hours = Math.floor(total / 3600), minutes = Math.floor(total % 3600 / 60), secs = total % 60, ss = String(secs).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${ss}` : `${minutes}:${ss}`;
}
function formatCallStart(iso, now, locale, timeZone) {
  let date3 = new Date(iso);
  if (Number.isNaN(date3.getTime()))
    return iso;
  let day = new Intl.DateTimeFormat(locale, { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }), time3 = { timeZone, hour: "2-digit", minute: "2-digit" };
  return day.format(date3) === day.format(now) ? new Intl.DateTimeFormat(locale, time3).format(date3) : new Intl.DateTimeFormat(locale, { ...time3, year: "numeric", month: "short", day: "numeric" }).format(date3);
}
function displayNumber(call) {
  return call.phone_e164 ?? call.phone;
}
function initials(name) {
  let words = (name ?? "").split(/\s+/).filter((word) => /^\p{L}/u.test(word));
  return words.length ? (words.length === 1 ? [words[0]] : [words[0], words[words.length - 1]]).map((word) => Array.from(word)[0].toUpperCase()).join("") : "#";
}

// web/src/components/call_back/call_back.ts
import { Component, useState } from "@odoo/owl";

// web/src/schemas/dial_result.ts
var dialStatusSchema = _enum(["ok", "ask", "link", "error"]), dialErrorCodeSchema = _enum([
  "no_extension",
  "disabled",
  "not_configured",
  "bad_number",
  "bad_dial_code",
  "unreachable",
  "refused"
]), DIALABLE = /^[0-9*#]+$/, LINK_SCHEMES = ["tel", "sip", "sips", "callto"], LINK_URL = new RegExp(
  `^(?:${LINK_SCHEMES.map((scheme) => [...scheme].map((c) => `[${c}${c.toUpperCase()}]`).join("")).join("|")}):`
), dialChoiceSchema = union([
  strictObject({ label: literal(""), prefix: literal("") }),
  strictObject({ label: string2().check(_minLength(1)), prefix: string2().check(_regex(DIALABLE)) })
]), text = string2().check(_minLength(1)), noChoices = array(dialChoiceSchema).check(_maxLength(0)), base = {
  code: _null3(),
  message: string2(),
  extension: nullable(text),
  number: nullable(text),
  url: _null3(),
  choices: noChoices
}, dialResultSchema = discriminatedUnion("status", [
  /** The PBX accepted: it names the extension and the number dialled. */
  strictObject({ status: literal("ok"), ...base, extension: text, number: text }),
  /** Show the choices, then call again with the chosen label. */
  strictObject({ status: literal("ask"), ...base, choices: array(dialChoiceSchema).check(_minLength(1)) }),
  /** Follow the link (a softphone or IP phone app). */
  strictObject({ status: literal("link"), ...base, url: string2().check(_regex(LINK_URL)) }),
  strictObject({ status: literal("error"), ...base, code: dialErrorCodeSchema, message: text })
]);

// web/src/lib/dial_request.ts
async function requestDial(orm, model, method, args, prefixLabel) {
  let kwargs = prefixLabel === null ? {} : { prefix_label: prefixLabel }, answer;
  try {
    answer = await orm.call(model, method, args, kwargs);
  } catch {
    return { ok: !1, failure: "no_answer" };
  }
  let parsed = dialResultSchema.safeParse(answer);
  return parsed.success ? { ok: !0, result: parsed.data } : (console.warn(`pbx_callcenter: unexpected ${model}.${method} result`, parsed.error.issues, answer), { ok: !1, failure: "unexpected" });
}

// web/src/components/call_back/call_back.ts
var CALL_BACK_METHODS = {
  "pbx.call": "action_call_back",
  "mail.activity": "action_pbx_call_back"
}, CALL_BACK_STATES = ["missed", "busy"], CallBack = class extends Component {
  static template = "pbx_callcenter.CallBack";
  static props = {
    model: { type: String, validate: (model) => model in CALL_BACK_METHODS },
    resId: { type: Number }
  };
  setup() {
    this.state = useState({ busy: !1, choices: null });
  }
  get title() {
    return _t("Call this number back from your PBX extension");
  }
  /** Odoo's services, read at click time: the popup's tests mount cards without them. */
  get services() {
    let services = this.env.services;
    return { orm: services.orm, notification: services.notification };
  }
  async onClick(ev) {
    ev.preventDefault(), ev.stopPropagation(), await this.callBack(null);
  }
  async onChoose(ev, choice) {
    ev.stopPropagation(), this.state.choices = null, await this.callBack(choice.label);
  }
  /** Asks the server; `prefixLabel` answers an earlier *ask* ("" for no prefix). */
  async callBack(prefixLabel) {
    if (this.state.busy)
      return;
    this.state.busy = !0;
    let { model, resId } = this.props, outcome = await requestDial(this.services.orm, model, CALL_BACK_METHODS[model], [[resId]], prefixLabel);
    if (this.state.busy = !1, !outcome.ok) {
      this.notifyError(
        outcome.failure === "no_answer" ? _t("The call back could not be started: the server refused or did not answer.") : _t("The call back could not be started: unexpected answer from the server.")
      );
      return;
    }
    this.handle(outcome.result);
  }
  handle(result) {
    switch (result.status) {
      case "ok":
        this.services.notification.add(result.message, { type: "success" });
        return;
      case "ask":
        this.state.choices = result.choices;
        return;
      case "link":
        result.url !== null && window.location.assign(result.url);
        return;
      case "error":
        this.notifyError(result.message);
        return;
    }
  }
  notifyError(message) {
    this.services.notification.add(message, { title: _t("Call back"), type: "danger" });
  }
}, CALL_BACK_WIDGET = "pbx_call_back", CallBackWidget = class extends Component {
  static template = "pbx_callcenter.CallBackWidget";
  static components = { CallBack };
  static props = {
    readonly: { type: Boolean, optional: !0 },
    record: { type: Object }
  };
  get callId() {
    let { record: record2 } = this.props;
    return record2.data.direction === "in" && CALL_BACK_STATES.includes(String(record2.data.state)) && typeof record2.resId == "number" ? record2.resId : 0;
  }
}, callBackWidget = { component: CallBackWidget };

// web/src/components/call_popup/call_popup.ts
function stateLabel(state) {
  switch (state) {
    case "ringing":
      return _t("Ringing");
    case "dialing":
      return _t("Dialing");
    case "answered":
      return _t("In progress");
    case "ended":
      return _t("Ended");
    case "missed":
      return _t("Missed");
    case "busy":
      return _t("Busy");
    case "failed":
      return _t("Failed");
  }
}
function directionLabel(direction) {
  switch (direction) {
    case "in":
      return _t("Incoming call");
    case "out":
      return _t("Outgoing call");
    case "internal":
      return _t("Internal call");
  }
}
var DIRECTION_ICONS = {
  in: "fa-arrow-down",
  out: "fa-arrow-up",
  internal: "fa-exchange"
}, CallPopup = class extends Component2 {
  static template = "pbx_callcenter.CallPopup";
  static components = { CallBack };
  static props = {
    card: Object,
    model: Object,
    collapsed: { type: Boolean, optional: !0 }
  };
  get call() {
    return this.props.card.call;
  }
  /** A missed incoming call offers the Call back button. */
  get canCallBack() {
    return this.call.direction === "in" && CALL_BACK_STATES.includes(this.call.state);
  }
  get callerName() {
    return this.call.caller?.name || displayNumber(this.call);
  }
  get fading() {
    return isFading(this.props.card);
  }
  get cardClass() {
    let classes = [`o_pbx_callcenter_popup_${this.call.state}`];
    return this.props.collapsed && classes.push("o_pbx_callcenter_popup_collapsed"), this.fading && classes.push("o_pbx_callcenter_popup_fading"), classes.join(" ");
  }
  /** The fade-out animation lasts as long as the card has left. */
  get fadeStyle() {
    return this.fading ? `animation-duration: ${this.props.model.fadeAfterMs}ms` : void 0;
  }
  get toggleLabel() {
    return this.props.collapsed ? _t("Show this call") : _t("Fold this call");
  }
  get number() {
    return displayNumber(this.call);
  }
  get initials() {
    return initials(this.call.caller?.name);
  }
  get stateLabel() {
    let to = this.call.transferred_to;
    return to ? this.props.card.talkedHere ? _t("Transferred to ext. %s", to) : _t("Answered by ext. %s", to) : stateLabel(this.call.state);
  }
  get directionLabel() {
    return directionLabel(this.call.direction);
  }
  get directionIcon() {
    return DIRECTION_ICONS[this.call.direction];
  }
  get locale() {
    return document.documentElement.lang || void 0;
  }
  lastCallIcon(lastCall) {
    return DIRECTION_ICONS[lastCall.direction];
  }
  lastCallText(lastCall) {
    return `${formatCallStart(lastCall.start, /* @__PURE__ */ new Date(), this.locale)} · ${stateLabel(lastCall.state)} · ${formatDuration(lastCall.duration)}`;
  }
  opportunityAmount(opportunity) {
    return opportunity.expected_revenue_formatted;
  }
  // ---- handlers ----------------------------------------------------------------
  onNotesInput(ev) {
    this.props.model.editNotes(this.call.call_id, ev.target.value);
  }
  onPointerEnter() {
    this.props.model.hover(this.call.call_id, !0);
  }
  onPointerLeave() {
    this.props.model.hover(this.call.call_id, !1);
  }
  onDismiss() {
    this.props.model.dismiss(this.call.call_id);
  }
  onOpen() {
    return this.props.model.open(this.call.call_id);
  }
  onCreatePartner() {
    return this.props.model.create(this.call.call_id, "partner");
  }
  onCreateLead() {
    return this.props.model.create(this.call.call_id, "lead");
  }
  onSaveNotes() {
    return this.props.model.saveNotes(this.call.call_id);
  }
  onToggle() {
    this.props.model.toggleFolded(this.call.call_id);
  }
  onBlock() {
    this.props.model.askBlock(this.call.call_id);
  }
  onConfirmBlock() {
    return this.props.model.block(this.call.call_id);
  }
  onCancelBlock() {
    this.props.model.cancelBlock(this.call.call_id);
  }
};

// web/src/components/call_popup_stack/call_popup_stack.ts
var CallPopupStack = class extends Component3 {
  static template = "pbx_callcenter.CallPopupStack";
  static components = { CallPopup };
  static props = {};
  model;
  state;
  setup() {
    this.model = useService(CALL_POPUP_SERVICE), this.state = useState2(this.model.state);
  }
  isCollapsed(index) {
    return isCollapsed(this.state.cards, index);
  }
};

// web/src/odoo/registry.ts
import { registry as registry2 } from "@web/core/registry";

// web/src/components/extension_binding/extension_binding.ts
import { Component as Component4, onWillStart, useState as useState3 } from "@odoo/owl";

// web/src/lib/extension_binding.ts
function cellKey(userId, connectionId) {
  return `${userId}:${connectionId}`;
}
function initialSelection(data) {
  let selection = {};
  for (let user of data.users)
    for (let connection of data.connections)
      selection[cellKey(user.id, connection.id)] = user.bindings[String(connection.id)] ?? null;
  return selection;
}
function selected(selection, userId, connectionId) {
  return selection[cellKey(userId, connectionId)] ?? null;
}
function select(selection, userId, connectionId, extensionId) {
  return { ...selection, [cellKey(userId, connectionId)]: extensionId };
}
function extensionsOf(data, connectionId) {
  return data.extensions[String(connectionId)] ?? [];
}
function hiddenOwners(data) {
  let shown = /* @__PURE__ */ new Set();
  for (let user of data.users)
    for (let extensionId of Object.values(user.bindings))
      shown.add(extensionId);
  let hidden = /* @__PURE__ */ new Map();
  for (let rows of Object.values(data.extensions))
    for (let row of rows)
      row.user_id !== null && !shown.has(row.id) && hidden.set(row.id, row.user_id);
  return hidden;
}
function owners(data, selection) {
  let result = hiddenOwners(data);
  for (let [key, extensionId] of Object.entries(selection))
    extensionId !== null && result.set(extensionId, Number(key.split(":")[0]));
  return result;
}
function options(data, selection, userId, connectionId, taken = owners(data, selection)) {
  return extensionsOf(data, connectionId).filter((extension) => {
    let owner = taken.get(extension.id);
    return owner === void 0 || owner === userId;
  });
}
function computeChanges(data, selection) {
  let shown = /* @__PURE__ */ new Set();
  for (let user of data.users)
    for (let extensionId of Object.values(user.bindings))
      shown.add(extensionId);
  let wanted = /* @__PURE__ */ new Map();
  for (let [key, extensionId] of Object.entries(selection))
    extensionId !== null && wanted.set(extensionId, Number(key.split(":")[0]));
  let changes = [];
  for (let connection of data.connections)
    for (let extension of extensionsOf(data, connection.id)) {
      if (!shown.has(extension.id) && !wanted.has(extension.id))
        continue;
      let userId = wanted.get(extension.id) ?? null;
      userId !== extension.user_id && changes.push({ extension_id: extension.id, user_id: userId, previous_user_id: extension.user_id });
    }
  return changes;
}
function changedCells(data, selection) {
  let initial = initialSelection(data);
  return new Set(Object.keys(selection).filter((key) => (initial[key] ?? null) !== selection[key]));
}
function rebase(oldData, selection, newData) {
  let result = initialSelection(newData), exists = new Set(Object.values(newData.extensions).flatMap((rows) => rows.map((row) => row.id)));
  for (let key of changedCells(oldData, selection)) {
    let extensionId = selection[key];
    if (!(key in result) || extensionId !== null && !exists.has(extensionId))
      continue;
    let [userId, connectionId] = key.split(":").map(Number), taken = owners(newData, result), owner = extensionId === null ? void 0 : taken.get(extensionId);
    (owner === void 0 || owner === userId) && (result = select(result, userId, connectionId, extensionId));
  }
  return result;
}
function applyPairs(selection, connectionId, pairs) {
  let result = selection;
  for (let pair of pairs)
    result = select(result, pair.user_id, connectionId, pair.extension_id);
  return result;
}
function filterUsers(users, query, kind) {
  let needle = query.trim().toLowerCase();
  return users.filter(
    (user) => (kind === "all" || user.kind === kind) && (!needle || [user.name, user.login, user.email ?? ""].some((text2) => text2.toLowerCase().includes(needle)))
  );
}
function pastedLines(text2) {
  return text2.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0);
}

// web/src/schemas/extension_binding.ts
var USER_KINDS = ["internal", "portal", "public"], userKindSchema = _enum(USER_KINDS), emailKeySchema = string2().check(_regex(/^[^@\sA-Z<>]+@[^@\sA-Z<>]+$/)), connectionKeySchema = string2().check(_regex(/^[1-9]\d*$/)), bindingConnectionSchema = strictObject({
  id: recordIdSchema,
  name: string2().check(_minLength(1)),
  kind: string2().check(_minLength(1)),
  can_import: boolean2()
}), bindingExtensionSchema = strictObject({
  id: recordIdSchema,
  name: string2().check(_minLength(1)),
  email: nullable(string2().check(_minLength(1))),
  user_id: nullable(recordIdSchema)
}), bindingUserSchema = strictObject({
  id: recordIdSchema,
  name: string2(),
  login: string2(),
  email: nullable(string2().check(_minLength(1))),
  kind: userKindSchema,
  /** connection id -> the extension the user holds there (their default one first). */
  bindings: record(connectionKeySchema, recordIdSchema)
}), bindingDataSchema = strictObject({
  connections: array(bindingConnectionSchema),
  users: array(bindingUserSchema),
  extensions: record(connectionKeySchema, array(bindingExtensionSchema))
}).check(superRefine((data, ctx) => {
  let connectionIds = data.connections.map((connection) => String(connection.id));
  new Set(connectionIds).size !== connectionIds.length && ctx.addIssue({ code: "custom", path: ["connections"], message: "connection ids are unique" }), Object.keys(data.extensions).sort().join() !== [...connectionIds].sort().join() && ctx.addIssue({ code: "custom", path: ["extensions"], message: "one extension list per connection" });
  let owner = /* @__PURE__ */ new Map();
  for (let [connectionId, rows] of Object.entries(data.extensions)) {
    let names = /* @__PURE__ */ new Set();
    for (let row of rows)
      (owner.has(row.id) || names.has(row.name)) && ctx.addIssue({ code: "custom", path: ["extensions", connectionId], message: `extension ${row.name} listed twice` }), names.add(row.name), owner.set(row.id, [connectionId, row.user_id]);
  }
  let userIds = /* @__PURE__ */ new Set();
  for (let user of data.users) {
    userIds.has(user.id) && ctx.addIssue({ code: "custom", path: ["users"], message: `user ${user.id} listed twice` }), userIds.add(user.id);
    for (let [connectionId, extensionId] of Object.entries(user.bindings)) {
      let [ownerConnection, ownerUser] = owner.get(extensionId) ?? [null, null];
      (ownerConnection !== connectionId || ownerUser !== user.id) && ctx.addIssue({
        code: "custom",
        path: ["users"],
        message: `user ${user.id}: extension ${extensionId} is not theirs on connection ${connectionId}`
      });
    }
  }
})), autoBindPairSchema = strictObject({
  user_id: recordIdSchema,
  user_name: string2(),
  extension_id: recordIdSchema,
  extension_name: string2().check(_minLength(1)),
  email: emailKeySchema
}), autoBindResultSchema = strictObject({
  connection_id: recordIdSchema,
  pairs: array(autoBindPairSchema),
  ambiguous: array(emailKeySchema)
}).check(
  refine(
    (result) => new Set(result.pairs.map((pair) => pair.user_id)).size === result.pairs.length && new Set(result.pairs.map((pair) => pair.extension_id)).size === result.pairs.length,
    { path: ["pairs"], message: "a user or an extension is paired once" }
  )
), saveResultSchema = strictObject({
  changed: int().check(_nonnegative()),
  data: bindingDataSchema
}), numbersSchema = array(string2().check(_minLength(1))), addResultSchema = strictObject({
  created: numbersSchema,
  updated: numbersSchema,
  unchanged: numbersSchema,
  data: bindingDataSchema
}), importResultSchema = strictObject({
  ...addResultSchema.shape,
  fetched: int().check(_nonnegative())
});

// web/src/components/extension_binding/extension_binding.ts
var BINDING_MODEL = "pbx.extension.binding", EXTENSION_BINDING_ACTION = "pbx_callcenter.extension_binding", BindingResultError = class extends Error {
}, ExtensionBinding = class extends Component4 {
  static template = "pbx_callcenter.ExtensionBinding";
  // a client action receives action, actionId, className, updateActionState…
  static props = ["*"];
  setup() {
    this.orm = useService("orm"), this.notification = useService("notification"), this.state = useState3({
      data: null,
      selection: {},
      busy: !1,
      saves: 0,
      error: null,
      query: "",
      kind: "all",
      autoBind: null,
      adding: null
    }), onWillStart(() => this.load());
  }
  // ---- server calls -----------------------------------------------------------
  /** Calls a method of pbx.extension.binding and checks its result against `schema`. */
  async call(method, args, schema) {
    let result = await this.orm.call(BINDING_MODEL, method, args), parsed = schema.safeParse(result);
    if (!parsed.success) {
      console.error(`pbx_callcenter: ${method} returned an unexpected result`, parsed.error.issues, result);
      let message = _t("The server answered something unexpected; reload the page.");
      throw this.state.error = message, new BindingResultError(message);
    }
    return parsed.data;
  }
  /** Runs `work` with the buttons disabled; RPC errors are left to Odoo's error dialog. */
  async busy(work) {
    if (!this.state.busy) {
      this.state.busy = !0;
      try {
        return await work();
      } catch (error2) {
        if (error2 instanceof BindingResultError)
          return;
        throw error2;
      } finally {
        this.state.busy = !1;
      }
    }
  }
  async load() {
    try {
      this.setData(await this.call("get_binding_data", [], bindingDataSchema), !1);
    } catch (error2) {
      if (!(error2 instanceof BindingResultError))
        throw error2;
    }
  }
  /** New server data; unsaved edits are kept when `keepEdits` and still possible. */
  setData(data, keepEdits) {
    let old = this.state.data;
    this.state.selection = keepEdits && old ? rebase(old, this.state.selection, data) : initialSelection(data), this.state.data = data, this.state.error = null;
  }
  // ---- what the template shows ------------------------------------------------------
  get connections() {
    return this.state.data?.connections ?? [];
  }
  get users() {
    return filterUsers(this.state.data?.users ?? [], this.state.query, this.state.kind);
  }
  get changes() {
    return this.state.data ? computeChanges(this.state.data, this.state.selection) : [];
  }
  get changed() {
    return this.state.data ? changedCells(this.state.data, this.state.selection) : /* @__PURE__ */ new Set();
  }
  get taken() {
    return this.state.data ? owners(this.state.data, this.state.selection) : /* @__PURE__ */ new Map();
  }
  options(userId, connectionId, taken) {
    return this.state.data ? options(this.state.data, this.state.selection, userId, connectionId, taken) : [];
  }
  selected(userId, connectionId) {
    return selected(this.state.selection, userId, connectionId);
  }
  extensionLabel(extension) {
    return extension.email ? `${extension.name} (${extension.email})` : extension.name;
  }
  kindLabel(kind) {
    switch (kind) {
      case "internal":
        return _t("Internal");
      case "portal":
        return _t("Portal");
      case "public":
        return _t("Public");
    }
  }
  /** The kind filter is offered only when the server lists users of several kinds. */
  get showKindFilter() {
    return new Set((this.state.data?.users ?? []).map((user) => user.kind)).size > 1;
  }
  get kindFilters() {
    return [
      { value: "all", label: _t("All users") },
      { value: "internal", label: _t("Internal users") },
      { value: "portal", label: _t("Portal users") },
      { value: "public", label: _t("Public user") }
    ];
  }
  // ---- editing -------------------------------------------------------------------------
  onSelect(userId, connectionId, ev) {
    let value = ev.target.value;
    this.state.selection = select(this.state.selection, userId, connectionId, value ? Number(value) : null);
  }
  onQuery(ev) {
    this.state.query = ev.target.value;
  }
  onKind(ev) {
    this.state.kind = ev.target.value;
  }
  discard() {
    this.state.data && (this.state.selection = initialSelection(this.state.data));
  }
  async save() {
    let changes = this.changes;
    if (!changes.length) {
      this.notification.add(_t("Nothing to save."), { type: "info" });
      return;
    }
    await this.busy(async () => {
      let result = await this.call("save_bindings", [changes], saveResultSchema);
      this.setData(result.data, !1), this.state.saves++, this.notification.add(_t("%s extension binding(s) saved.", result.changed), { type: "success" });
    });
  }
  // ---- auto-bind -------------------------------------------------------------------------
  async autoBind(connection) {
    await this.busy(async () => {
      let result = await this.call("auto_bind", [connection.id], autoBindResultSchema);
      if (!result.pairs.length) {
        let message = result.ambiguous.length ? _t("No user and extension share an e-mail only with each other (ambiguous: %s).", result.ambiguous.join(", ")) : _t("No unbound extension of %s shares an e-mail with a user who has none.", connection.name);
        this.notification.add(message, { type: "warning" });
        return;
      }
      this.state.autoBind = { ...result, connection };
    });
  }
  /** The admin confirmed: the pairs join the pending edits, and everything is saved. */
  async confirmAutoBind() {
    let proposal = this.state.autoBind;
    proposal && (this.state.autoBind = null, this.state.selection = applyPairs(this.state.selection, proposal.connection.id, proposal.pairs), await this.save());
  }
  cancelAutoBind() {
    this.state.autoBind = null;
  }
  // ---- extensions: from the PBX, by hand -------------------------------------------------------
  async importExtensions(connection) {
    await this.busy(async () => {
      let result = await this.call("import_extensions", [connection.id], importResultSchema);
      this.setData(result.data, !0), this.notification.add(
        _t(
          "%s: %s extension(s) read, %s new, %s e-mail(s) updated.",
          connection.name,
          result.fetched,
          result.created.length,
          result.updated.length
        ),
        { type: "success" }
      );
    });
  }
  openAdd(connection) {
    this.state.adding = { connection, text: "" };
  }
  onAddText(ev) {
    this.state.adding && (this.state.adding.text = ev.target.value);
  }
  cancelAdd() {
    this.state.adding = null;
  }
  async confirmAdd() {
    let adding = this.state.adding, lines = adding ? pastedLines(adding.text) : [];
    if (!adding || !lines.length) {
      this.notification.add(_t("Type or paste at least one extension number."), { type: "warning" });
      return;
    }
    await this.busy(async () => {
      let result = await this.call("add_extensions", [adding.connection.id, lines], addResultSchema);
      this.state.adding = null, this.setData(result.data, !0);
      let message = result.unchanged.length ? _t("%s extension(s) added; already there: %s.", result.created.length, result.unchanged.join(", ")) : _t("%s extension(s) added.", result.created.length);
      this.notification.add(message, { type: "success" });
    });
  }
};

// web/src/components/extension_binding/register.ts
registry2.category("actions").add(EXTENSION_BINDING_ACTION, ExtensionBinding);

// web/src/components/recording_player/recording_player.ts
import { Component as Component5 } from "@odoo/owl";

// web/src/lib/recording.ts
function playableRecordingUrl(value) {
  if (typeof value != "string" || !value.trim())
    return null;
  let url;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
}

// web/src/components/recording_player/recording_player.ts
var RECORDING_PLAYER_WIDGET = "pbx_recording_player", RecordingPlayer = class extends Component5 {
  static template = "pbx_callcenter.RecordingPlayer";
  static props = {
    id: { type: String, optional: !0 },
    name: { type: String },
    readonly: { type: Boolean, optional: !0 },
    record: { type: Object }
  };
  get url() {
    return playableRecordingUrl(this.props.record.data[this.props.name]);
  }
}, recordingPlayerField = {
  component: RecordingPlayer,
  supportedTypes: ["char"]
};

// web/src/components/recording_player/register.ts
registry2.category("fields").add(RECORDING_PLAYER_WIDGET, recordingPlayerField);

// web/src/odoo/phone_field.ts
import { PhoneField } from "@web/views/fields/phone/phone_field";

// web/src/components/click_to_dial/click_to_dial.ts
import { Component as Component6, useEffect, useExternalListener, useRef, useState as useState4 } from "@odoo/owl";

// web/src/odoo/dial_session.ts
import { session as session2 } from "@web/session";
var sessionDialSchema = union([
  literal(!1),
  strictObject({ extension: string2().check(_minLength(1)) })
]);
function dialExtension() {
  let parsed = sessionDialSchema.safeParse(session2.pbx_callcenter_dial ?? !1);
  return parsed.success ? parsed.data ? parsed.data.extension : null : (console.warn("pbx_callcenter: unexpected pbx_callcenter_dial in the session", parsed.error.issues), null);
}

// web/src/components/click_to_dial/click_to_dial.ts
var DIAL_MODEL = "res.users", DIAL_METHOD = "pbx_dial", PHONE_LINKS = "a.o_form_uri, a.o_phone_form_link", VIEWPORT_MARGIN = 4;
function placeMenu(anchor2, menu, viewport, margin = VIEWPORT_MARGIN) {
  let left = anchor2.left;
  left + menu.width > viewport.width - margin && (left = anchor2.right - menu.width), left = Math.max(margin, Math.min(left, viewport.width - margin - menu.width));
  let top = anchor2.bottom;
  return top + menu.height > viewport.height - margin && anchor2.top - menu.height >= margin && (top = anchor2.top - menu.height), top = Math.max(margin, Math.min(top, viewport.height - margin - menu.height)), { top: Math.round(top), left: Math.round(left) };
}
function boxOf(element) {
  let { top, bottom, left, right } = element.getBoundingClientRect();
  return { top, bottom, left, right };
}
var ClickToDial = class extends Component6 {
  static template = "pbx_callcenter.ClickToDial";
  static props = { number: { type: String } };
  setup() {
    this.orm = useService("orm"), this.notification = useService("notification"), this.extension = dialExtension(), this.anchor = null, this.state = useState4({ busy: !1, open: !1, choices: null }), this.root = useRef("root"), this.menu = useRef("menu"), useExternalListener(window, "mousedown", (ev) => this.onWindowMouseDown(ev)), useExternalListener(window, "keydown", (ev) => {
      ev instanceof KeyboardEvent && ev.key === "Escape" && this.closeMenu();
    }), useEffect(
      () => {
        let box = this.root.el?.closest(".o_phone_content");
        if (!box)
          return;
        for (let link of box.querySelectorAll(PHONE_LINKS))
          link.title = this.pbxTitle;
        let listener = (ev) => this.onPhoneLinkClick(ev);
        return box.addEventListener("click", listener), () => box.removeEventListener("click", listener);
      },
      () => []
    ), useEffect(
      () => this.placeMenu(),
      () => [this.state.open, this.state.choices]
    );
  }
  /** What a click on the number does, for its tooltip and the menu. */
  get pbxTitle() {
    return _t("Call through the PBX (ext. %s)", this.extension ?? "");
  }
  get moreTitle() {
    return _t("Ways to call %s", this.props.number);
  }
  /** The device's own link, as Odoo's phone field writes it. */
  get deviceHref() {
    return "tel:" + this.props.number.replace(/\s+/g, "");
  }
  // -------------------------------------------------------------------------
  // Handlers
  // -------------------------------------------------------------------------
  /** A click on the number or on *Call* dials through the PBX instead of the device. */
  onPhoneLinkClick(ev) {
    let link = ev.target instanceof Element ? ev.target.closest(PHONE_LINKS) : null;
    if (!link || this.root.el?.contains(link))
      return;
    ev.preventDefault(), ev.stopPropagation();
    let box = boxOf(link);
    this.anchor = box.right > box.left || !this.root.el ? box : boxOf(this.root.el), this.dial(null);
  }
  onMoreClick(ev) {
    if (ev.preventDefault(), ev.stopPropagation(), this.state.open) {
      this.closeMenu();
      return;
    }
    this.anchor = ev.currentTarget instanceof Element ? boxOf(ev.currentTarget) : null, this.state.choices = null, this.state.open = !0;
  }
  async onCallThroughPbx() {
    this.closeMenu(), await this.dial(null);
  }
  async onChoose(choice) {
    this.closeMenu(), await this.dial(choice.label);
  }
  closeMenu() {
    this.state.open = !1, this.state.choices = null;
  }
  onWindowMouseDown(ev) {
    this.state.open && !(ev.target instanceof Node && this.root.el?.contains(ev.target)) && this.closeMenu();
  }
  /** Puts the open menu next to its anchor, inside the viewport (it is `position: fixed`). */
  placeMenu() {
    let menu = this.menu.el;
    if (!menu || !this.anchor)
      return;
    let viewport = {
      width: Math.min(window.innerWidth, document.documentElement.clientWidth || window.innerWidth),
      height: Math.min(window.innerHeight, document.documentElement.clientHeight || window.innerHeight)
    }, { top, left } = placeMenu(this.anchor, { width: menu.offsetWidth, height: menu.offsetHeight }, viewport);
    menu.style.top = `${top}px`, menu.style.left = `${left}px`;
  }
  // -------------------------------------------------------------------------
  // Dialling
  // -------------------------------------------------------------------------
  /** Calls the server; `prefixLabel` answers an earlier *ask* ("" for no prefix). */
  async dial(prefixLabel) {
    if (this.state.busy)
      return;
    this.state.busy = !0;
    let outcome = await requestDial(this.orm, DIAL_MODEL, DIAL_METHOD, [this.props.number], prefixLabel);
    if (this.state.busy = !1, !outcome.ok) {
      this.notifyError(
        outcome.failure === "no_answer" ? _t("The call could not be started: the server did not answer.") : _t("The call could not be started: unexpected answer from the server.")
      );
      return;
    }
    this.handle(outcome.result);
  }
  handle(result) {
    switch (result.status) {
      case "ok":
        this.notification.add(result.message, { type: "success" });
        return;
      case "ask":
        this.state.choices = result.choices, this.state.open = !0;
        return;
      case "link":
        result.url !== null && this.followLink(result.url);
        return;
      case "error":
        this.notifyError(result.message);
        return;
    }
  }
  /** Opens a tel:/sip: link (the softphone or phone app answers it). */
  followLink(url) {
    window.location.assign(url);
  }
  notifyError(message) {
    this.notification.add(message, { title: _t("Click-to-dial"), type: "danger" });
  }
};

// web/src/components/click_to_dial/register.ts
patch(PhoneField, { components: { ...PhoneField.components, ClickToDial } });

// web/src/odoo/mail.ts
import { Activity } from "@mail/core/web/activity";
import { Message } from "@mail/core/common/message";

// web/src/components/call_back/register.ts
registry2.category("view_widgets").add(CALL_BACK_WIDGET, callBackWidget);
patch(Activity, { components: { ...Activity.components, CallBack } });
patch(Activity.prototype, {
  /** The id of a missed call's call-back activity (the key comes with it), else 0. */
  get pbxCallBackId() {
    let props = this.props, activity = props.activity ?? props.data;
    return activity?.pbx_callback_key && typeof activity.id == "number" ? activity.id : 0;
  }
});

// web/src/components/chatter_recording/chatter_recording.ts
var CHATTER_RECORDING_LINK = "o_pbx_callcenter_chatter_recording", CHATTER_RECORDING_PLAYER = "o_pbx_callcenter_chatter_player";
function addRecordingPlayers(body) {
  if (!body)
    return 0;
  let added = 0;
  for (let link of body.querySelectorAll(`a.${CHATTER_RECORDING_LINK}`)) {
    let url = playableRecordingUrl(link.getAttribute("href"));
    if (!url || link.nextElementSibling?.classList.contains(CHATTER_RECORDING_PLAYER))
      continue;
    let audio = link.ownerDocument.createElement("audio");
    audio.className = `${CHATTER_RECORDING_PLAYER} d-block w-100 mt-1`, audio.controls = !0, audio.preload = "none", audio.src = url, audio.textContent = _t("Your browser cannot play this recording."), link.after(audio), added += 1;
  }
  return added;
}

// web/src/components/chatter_recording/register.ts
patch(Message.prototype, {
  prepareMessageBody(bodyEl) {
    super.prepareMessageBody(bodyEl), addRecordingPlayers(bodyEl);
  }
});

// web/src/lib/duration.ts
function formatSeconds(value) {
  if (typeof value != "number" || !Number.isFinite(value))
    return "";
  let total = Math.round(Math.abs(value)), hours = Math.floor(total / 3600), minutes = String(Math.floor(total % 3600 / 60)).padStart(2, "0"), seconds = String(total % 60).padStart(2, "0");
  return `${value < 0 && total ? "-" : ""}${hours}:${minutes}:${seconds}`;
}

// web/src/components/duration_field/duration_field.ts
import { Component as Component7 } from "@odoo/owl";
var DURATION_WIDGET = "pbx_duration", DurationField = class extends Component7 {
  static template = "pbx_callcenter.DurationField";
  static props = {
    id: { type: String, optional: !0 },
    name: { type: String },
    readonly: { type: Boolean, optional: !0 },
    record: { type: Object }
  };
  get text() {
    return formatSeconds(this.props.record.data[this.props.name]);
  }
}, durationField = {
  component: DurationField,
  supportedTypes: ["integer", "float"]
};

// web/src/components/duration_field/register.ts
registry2.category("fields").add(DURATION_WIDGET, durationField);
registry2.category("formatters").add(DURATION_WIDGET, formatSeconds);

// web/src/main.ts
registry2.category("services").add(CALL_POPUP_SERVICE, callPopupService);
registry2.category("main_components").add("pbx_callcenter.CallPopupStack", { Component: CallPopupStack, props: {} });
export {
  CallPopup,
  CallPopupModel,
  CallPopupStack,
  getRpc,
  getUser,
  listViewType,
  odooMajorVersion,
  odooModule,
  recordUrl,
  rpc
};
