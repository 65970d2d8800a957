// oneDNN convolutions on tensors that live in the tfjs wasm heap, used in place (no copy).
//
//   conv(kind, a, b, out, dims, bias, act, alpha) -> undefined
//     kind 0 forward:          a = x  [N,H,W,C],   b = filter [KH,KW,C,O], out = y  [N,OH,OW,O]
//     kind 1 backward data:    a = dy [N,OH,OW,O], b = filter,            out = dx [N,H,W,C]
//     kind 2 backward weights: a = x,              b = dy,                out = dw [KH,KW,C,O]
//     dims  = Int32Array [N,H,W,C, KH,KW,O, OH,OW, SH,SW, DH,DW, PT,PL,PB,PR] (dilation 1 = dense)
//     bias  = Float32Array [O] or null (forward only)
//     act   = 0 none, 1 relu, 2 relu6, 3 elu, 4 leaky relu (alpha), 5 sigmoid (forward only)
//   depthwise(kind, a, b, out, dims) -> undefined
//     the same with one filter per channel (channel multiplier 1, O = C): filter [KH,KW,C,1],
//     oneDNN's grouped convolution with C groups; no bias or activation
//   impl(kind, dims[, depthwise]) -> the oneDNN implementation a call with these dims runs (for tests and logs)
//   cacheSize() -> number of cached primitives
//   version() -> the library's version, e.g. "2.6.3"
//
// Activations keep tfjs's NHWC layout so that oneDNN reads and writes the heap directly; the
// filter is given as `any` so oneDNN picks its blocked layout, and only the filter (or the
// filter gradient) is reordered: measured the fastest of the layouts on AVX-512 and AVX2.
#include <node_api.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>

using namespace dnnl;
using tag = memory::format_tag;
using dt = memory::data_type;

namespace {

constexpr int kDims = 17;
// Creating a primitive costs far more than running one at these sizes, so they are kept; the
// bound only guards against a process that sees unboundedly many shapes.
constexpr size_t kMaxCached = 512;

engine& eng() {
  static engine e(engine::kind::cpu, 0);
  return e;
}
stream& strm() {
  static stream s(eng());
  return s;
}

struct Plan {
  primitive prim;
  memory::desc userA, userB, userOut;
  // The filter (kinds 0, 1) or filter gradient (kind 2) in the primitive's own layout, with the
  // reorder to or from tfjs's hwio; empty where the layouts coincide.
  memory filterBuf;
  reorder filterReorder;
  bool hasReorder = false;
  int argA, argB, argOut;
  std::string impl;
};

std::map<std::string, std::unique_ptr<Plan>> cache;

struct Shape {
  memory::dim N, H, W, C, KH, KW, O, OH, OW;
  memory::dims strides, dilates, padL, padR;
  bool depthwise;
  Shape(const int32_t* d, bool depthwise)
      : N(d[0]), H(d[1]), W(d[2]), C(d[3]), KH(d[4]), KW(d[5]), O(d[6]), OH(d[7]), OW(d[8]),
        strides{d[9], d[10]}, dilates{d[11] - 1, d[12] - 1}, padL{d[13], d[14]}, padR{d[15], d[16]},
        depthwise(depthwise) {}
  size_t src() const { return size_t(N * H * W * C); }
  size_t dst() const { return size_t(N * OH * OW * O); }
  size_t wei() const { return size_t(KH * KW * (depthwise ? 1 : C) * O); }
  // Logical weight dims: dense OIHW, depthwise GOIHW with C groups of one input and one output.
  memory::dims weiDims() const {
    return depthwise ? memory::dims{C, 1, 1, KH, KW} : memory::dims{O, C, KH, KW};
  }
};

algorithm eltwiseOf(int act) {
  switch (act) {
    case 1: return algorithm::eltwise_relu;
    case 2: return algorithm::eltwise_clip;
    case 3: return algorithm::eltwise_elu;
    case 4: return algorithm::eltwise_relu;  // with a negative slope
    case 5: return algorithm::eltwise_logistic;
  }
  throw std::invalid_argument("unknown activation " + std::to_string(act));
}

Plan* plan(int kind, const int32_t* d, bool depthwise, bool bias, int act, float alpha) {
  std::string key = std::to_string(kind) + "|" + (depthwise ? "dw" : "") + "|" + (bias ? "b" : "-") + "|" +
                    std::to_string(act) + "|" + std::to_string(alpha);
  for (int i = 0; i < kDims; i++) key += "," + std::to_string(d[i]);
  auto found = cache.find(key);
  if (found != cache.end()) return found->second.get();

  Shape s(d, depthwise);
  // oneDNN's dims are logical NCHW / OIHW (GOIHW); the format tag says how they lie in memory.
  memory::desc src({s.N, s.C, s.H, s.W}, dt::f32, tag::nhwc);
  // tfjs filters: dense [KH,KW,C,O] = hwio; depthwise [KH,KW,C,1] = hwigo (g = C, i = o = 1).
  memory::desc wei(s.weiDims(), dt::f32, depthwise ? tag::hwigo : tag::hwio);
  memory::desc dst({s.N, s.O, s.OH, s.OW}, dt::f32, tag::nhwc);
  memory::desc weiAny(s.weiDims(), dt::f32, tag::any);
  memory::desc biasDesc({s.O}, dt::f32, tag::x);

  primitive_attr attr;
  if (act != 0) {
    post_ops ops;
    float a = act == 2 ? 0.f : act == 4 ? alpha : act == 3 ? 1.f : 0.f;
    float b = act == 2 ? 6.f : 0.f;
    ops.append_eltwise(1.f, eltwiseOf(act), a, b);
    attr.set_post_ops(ops);
  }
  auto fdesc = bias ? convolution_forward::desc(prop_kind::forward_training, algorithm::convolution_direct, src, weiAny,
                                                biasDesc, dst, s.strides, s.dilates, s.padL, s.padR)
                    : convolution_forward::desc(prop_kind::forward_training, algorithm::convolution_direct, src, weiAny,
                                                dst, s.strides, s.dilates, s.padL, s.padR);
  auto fpd = convolution_forward::primitive_desc(fdesc, attr, eng());
  auto p = std::make_unique<Plan>();
  memory::desc primFilter;
  if (kind == 0) {
    p->prim = convolution_forward(fpd);
    p->userA = src; p->userB = wei; p->userOut = dst;
    primFilter = fpd.weights_desc();
    p->argA = DNNL_ARG_SRC; p->argB = DNNL_ARG_WEIGHTS; p->argOut = DNNL_ARG_DST;
    p->impl = fpd.impl_info_str();
  } else if (kind == 1) {
    auto bdesc = convolution_backward_data::desc(algorithm::convolution_direct, src, weiAny, dst, s.strides, s.dilates,
                                                 s.padL, s.padR);
    auto bpd = convolution_backward_data::primitive_desc(bdesc, eng(), fpd);
    p->prim = convolution_backward_data(bpd);
    p->userA = dst; p->userB = wei; p->userOut = src;
    primFilter = bpd.weights_desc();
    p->argA = DNNL_ARG_DIFF_DST; p->argB = DNNL_ARG_WEIGHTS; p->argOut = DNNL_ARG_DIFF_SRC;
    p->impl = bpd.impl_info_str();
  } else {
    auto wdesc = convolution_backward_weights::desc(algorithm::convolution_direct, src, weiAny, dst, s.strides,
                                                    s.dilates, s.padL, s.padR);
    auto wpd = convolution_backward_weights::primitive_desc(wdesc, eng(), fpd);
    p->prim = convolution_backward_weights(wpd);
    p->userA = src; p->userB = dst; p->userOut = wei;
    primFilter = wpd.diff_weights_desc();
    p->argA = DNNL_ARG_SRC; p->argB = DNNL_ARG_DIFF_DST; p->argOut = DNNL_ARG_DIFF_WEIGHTS;
    p->impl = wpd.impl_info_str();
  }
  if (primFilter != wei) {
    p->filterBuf = memory(primFilter, eng());
    p->filterReorder = kind == 2 ? reorder(reorder::primitive_desc(eng(), primFilter, eng(), wei))
                                 : reorder(reorder::primitive_desc(eng(), wei, eng(), primFilter));
    p->hasReorder = true;
  }
  if (cache.size() >= kMaxCached) cache.clear();
  Plan* raw = p.get();
  cache.emplace(std::move(key), std::move(p));
  return raw;
}

void run(int kind, Plan* p, float* a, float* b, float* out, float* bias) {
  memory ua(p->userA, eng(), a), ub(p->userB, eng(), b), uo(p->userOut, eng(), out);
  std::unordered_map<int, memory> args;
  if (kind == 2) {
    args = {{p->argA, ua}, {p->argB, ub}, {p->argOut, p->hasReorder ? p->filterBuf : uo}};
  } else {
    if (p->hasReorder) p->filterReorder.execute(strm(), ub, p->filterBuf);
    args = {{p->argA, ua}, {p->argB, p->hasReorder ? p->filterBuf : ub}, {p->argOut, uo}};
  }
  if (bias != nullptr) args.insert({DNNL_ARG_BIAS, memory(memory::desc({p->userOut.dims()[1]}, dt::f32, tag::x), eng(), bias)});
  p->prim.execute(strm(), args);
  if (kind == 2 && p->hasReorder) p->filterReorder.execute(strm(), p->filterBuf, uo);
  strm().wait();
}

// A Float32Array's data, checked to hold exactly `expected` elements; nullptr (with a pending
// JS exception) otherwise. The check is what keeps a wrong shape from writing past a tensor.
float* f32(napi_env env, napi_value v, size_t expected, const char* what) {
  bool isTyped = false;
  napi_is_typedarray(env, v, &isTyped);
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (!isTyped || napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_float32_array) {
    napi_throw_type_error(env, nullptr, (std::string(what) + " must be a Float32Array").c_str());
    return nullptr;
  }
  if (length != expected) {
    napi_throw_range_error(env, nullptr, (std::string(what) + " holds " + std::to_string(length) + " floats, the dims say " +
                                          std::to_string(expected)).c_str());
    return nullptr;
  }
  return static_cast<float*>(data);
}

const int32_t* dimsOf(napi_env env, napi_value v) {
  bool isTyped = false;
  napi_is_typedarray(env, v, &isTyped);
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (!isTyped || napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_int32_array || length != kDims) {
    napi_throw_type_error(env, nullptr, "dims must be an Int32Array of 17");
    return nullptr;
  }
  const int32_t* d = static_cast<const int32_t*>(data);
  for (int i = 0; i < 13; i++) {
    if (d[i] < 1) {
      napi_throw_range_error(env, nullptr, ("dims[" + std::to_string(i) + "] must be positive").c_str());
      return nullptr;
    }
  }
  for (int i = 13; i < kDims; i++) {
    if (d[i] < 0) {
      napi_throw_range_error(env, nullptr, "pads must not be negative");
      return nullptr;
    }
  }
  return d;
}

int32_t int32(napi_env env, napi_value v) {
  int32_t out = 0;
  napi_get_value_int32(env, v, &out);
  return out;
}

template <typename F>
napi_value guarded(napi_env env, F body) {
  try {
    return body();
  } catch (const dnnl::error& e) {
    napi_throw_error(env, "ERR_ONEDNN", (std::string("oneDNN: ") + e.what()).c_str());
  } catch (const std::exception& e) {
    napi_throw_error(env, "ERR_ONEDNN", e.what());
  }
  return nullptr;
}

// The kind argument, checked; -1 (with a pending JS exception) when it is not 0, 1 or 2.
int32_t kindOf(napi_env env, napi_value v) {
  int32_t kind = int32(env, v);
  if (kind < 0 || kind > 2) {
    napi_throw_range_error(env, nullptr, "kind must be 0, 1 or 2");
    return -1;
  }
  return kind;
}

// The arrays of a call, each checked to hold what the dims say; false (with a pending JS
// exception) otherwise.
bool operands(napi_env env, const napi_value* argv, int32_t kind, const Shape& s, float** a, float** b, float** out) {
  const size_t sizes[3][3] = {{s.src(), s.wei(), s.dst()}, {s.dst(), s.wei(), s.src()}, {s.src(), s.dst(), s.wei()}};
  return (*a = f32(env, argv[0], sizes[kind][0], "a")) != nullptr && (*b = f32(env, argv[1], sizes[kind][1], "b")) != nullptr &&
         (*out = f32(env, argv[2], sizes[kind][2], "out")) != nullptr;
}

napi_value Conv(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != 8) {
    napi_throw_type_error(env, nullptr, "conv(kind, a, b, out, dims, bias, act, alpha)");
    return nullptr;
  }
  int32_t kind = kindOf(env, argv[0]);
  if (kind < 0) return nullptr;
  const int32_t* d = dimsOf(env, argv[4]);
  if (d == nullptr) return nullptr;
  Shape s(d, false);
  float *a, *b, *out;
  if (!operands(env, argv + 1, kind, s, &a, &b, &out)) return nullptr;
  napi_valuetype biasType;
  napi_typeof(env, argv[5], &biasType);
  float* bias = nullptr;
  if (biasType != napi_null && biasType != napi_undefined) {
    bias = f32(env, argv[5], size_t(s.O), "bias");
    if (bias == nullptr) return nullptr;
  }
  int32_t act = int32(env, argv[6]);
  double alpha = 0;
  napi_get_value_double(env, argv[7], &alpha);
  if (kind != 0 && (bias != nullptr || act != 0)) {
    napi_throw_range_error(env, nullptr, "bias and activation apply to the forward convolution only");
    return nullptr;
  }
  return guarded(env, [&]() -> napi_value {
    run(kind, plan(kind, d, false, bias != nullptr, act, float(alpha)), a, b, out, bias);
    return nullptr;
  });
}

// Depthwise dims must have as many outputs as inputs (channel multiplier 1).
bool depthwiseDims(napi_env env, const int32_t* d) {
  if (d[6] != d[3]) {
    napi_throw_range_error(env, nullptr, ("depthwise needs O = C (channel multiplier 1), the dims say C " + std::to_string(d[3]) +
                                          ", O " + std::to_string(d[6])).c_str());
    return false;
  }
  return true;
}

napi_value Depthwise(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != 5) {
    napi_throw_type_error(env, nullptr, "depthwise(kind, a, b, out, dims)");
    return nullptr;
  }
  int32_t kind = kindOf(env, argv[0]);
  if (kind < 0) return nullptr;
  const int32_t* d = dimsOf(env, argv[4]);
  if (d == nullptr || !depthwiseDims(env, d)) return nullptr;
  Shape s(d, true);
  float *a, *b, *out;
  if (!operands(env, argv + 1, kind, s, &a, &b, &out)) return nullptr;
  return guarded(env, [&]() -> napi_value {
    run(kind, plan(kind, d, true, false, 0, 0.f), a, b, out, nullptr);
    return nullptr;
  });
}

napi_value Impl(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < 2) {
    napi_throw_type_error(env, nullptr, "impl(kind, dims[, depthwise])");
    return nullptr;
  }
  int32_t kind = kindOf(env, argv[0]);
  if (kind < 0) return nullptr;
  const int32_t* d = dimsOf(env, argv[1]);
  if (d == nullptr) return nullptr;
  bool depthwise = false;
  if (argc > 2) napi_get_value_bool(env, argv[2], &depthwise);
  if (depthwise && !depthwiseDims(env, d)) return nullptr;
  return guarded(env, [&]() -> napi_value {
    const std::string& text = plan(kind, d, depthwise, false, 0, 0.f)->impl;
    napi_value s;
    napi_create_string_utf8(env, text.c_str(), text.size(), &s);
    return s;
  });
}

napi_value Version(napi_env env, napi_callback_info) {
  const dnnl_version_t* v = dnnl_version();
  std::string text = std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
  napi_value s;
  napi_create_string_utf8(env, text.c_str(), text.size(), &s);
  return s;
}

napi_value CacheSize(napi_env env, napi_callback_info) {
  napi_value n;
  napi_create_uint32(env, uint32_t(cache.size()), &n);
  return n;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"conv", nullptr, Conv, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"depthwise", nullptr, Depthwise, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"impl", nullptr, Impl, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"cacheSize", nullptr, CacheSize, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"version", nullptr, Version, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
