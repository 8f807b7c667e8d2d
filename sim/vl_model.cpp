// vl_model.cpp - the only C++ of the sim backend: binds one verilated odpu_top to the C
// interface of vl_model.h. Compiled once per arch by sim/sim.mk with
//   -DVL_ARCH=<arch> -DVL_TOP=Vodpu_<arch> -DVL_TOP_H='"Vodpu_<arch>.h"'
// and the arch's generated odpu_arch_params.h on the include path.
#include "sim/vl_model.h"

#include <cstdio>
#include <memory>
#include <new>

#include "verilated.h"
#include VL_TOP_H
#include "odpu_arch_params.h"

#if VM_TRACE_FST
#include "verilated_fst_c.h"
typedef VerilatedFstC vl_trace_file;
#define VL_TRACE_EXT ".fst"
#else
#include "verilated_vcd_c.h"
typedef VerilatedVcdC vl_trace_file;
#define VL_TRACE_EXT ".vcd"
#endif

#define VL_CAT2(a, b) a##b
#define VL_CAT(a, b) VL_CAT2(a, b)
#define VL_STR2(a) #a
#define VL_STR(a) VL_STR2(a)

// Signal hierarchy levels written to a waveform: all of them.
static const int TRACE_ALL_LEVELS = 99;

struct vl_model {
    std::unique_ptr<VerilatedContext> context;
    std::unique_ptr<VL_TOP> top;
    std::unique_ptr<vl_trace_file> trace;
};

template <typename T> static vl_port bind(T &member)
{
    vl_port p;
    p.data = static_cast<void *>(&member);
    p.bytes = static_cast<uint32_t>(sizeof member);
    return p;
}

static void set_err(char *err, const char *what)
{
    std::snprintf(err, VL_ERR_MAX, "%s", what);
}

static vl_model *create(int with_trace, vl_port ports[VL_PORT_COUNT], char err[VL_ERR_MAX])
{
    try {
        std::unique_ptr<vl_model> m(new vl_model);
        m->context.reset(new VerilatedContext);
        m->context->traceEverOn(with_trace != 0);
        // A failed assertion must not abort the host process: the harness asks after it
        // (assert_failed) and reports it as a fault of the run.
        m->context->fatalOnError(false);
        m->top.reset(new VL_TOP(m->context.get(), "odpu_top"));
#define VL_X_BIND(name, dir) ports[VL_PORT_##name] = bind(m->top->name);
        VL_PORTS(VL_X_BIND)
#undef VL_X_BIND
        return m.release();
    } catch (const std::exception &e) {
        set_err(err, e.what());
    } catch (...) {
        set_err(err, "the verilated model could not be constructed");
    }
    return nullptr;
}

static void destroy(vl_model *m)
{
    if (!m)
        return;
    if (m->trace)
        m->trace->close();
    if (m->top)
        m->top->final();
    delete m;
}

static void eval(vl_model *m)
{
    m->top->eval();
}

static void set_time(vl_model *m, uint64_t time)
{
    m->context->time(time);
}

static int trace_open(vl_model *m, const char *path, char err[VL_ERR_MAX])
{
    try {
        m->trace.reset(new vl_trace_file);
        m->top->trace(m->trace.get(), TRACE_ALL_LEVELS);
        m->trace->open(path);
        if (!m->trace->isOpen()) {
            std::snprintf(err, VL_ERR_MAX, "%s: cannot open the waveform file", path);
            m->trace.reset();
            return -1;
        }
        return 0;
    } catch (const std::exception &e) {
        set_err(err, e.what());
    } catch (...) {
        set_err(err, "the waveform could not be opened");
    }
    m->trace.reset();
    return -1;
}

static void trace_dump(vl_model *m, uint64_t time)
{
    if (m->trace)
        m->trace->dump(time);
}

static void trace_close(vl_model *m)
{
    if (m->trace) {
        m->trace->close();
        m->trace.reset();
    }
}

static int assert_failed(const vl_model *m)
{
    return m->context->gotError() ? 1 : 0;
}

extern "C" const vl_model_ops VL_CAT(vl_model_ops_, VL_ARCH);

const vl_model_ops VL_CAT(vl_model_ops_, VL_ARCH) = {
    {VL_STR(VL_ARCH), ODPU_ARCH_FINGERPRINT, ODPU_ARCH_AXI_DATA_BITS}, VL_TRACE_EXT,
    create,          destroy,               eval,                    set_time,
    trace_open,      trace_dump,            trace_close,             assert_failed,
};
