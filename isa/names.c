/* names.c - the names of the instruction set's enumerations (see isa_defs.h), for messages,
 * listings and generated files; kept apart from the codec so the generator can link it. */
#include "isa/isa_defs.h"
#include "isa/regs.h"

#include <stddef.h>

const char *odpu_opcode_name(odpu_opcode op)
{
    switch (op) {
#define X_NAME(OP, code, name, FIELDS) \
    case ODPU_OP_##OP: return #OP;
        ODPU_OPCODES(X_NAME)
#undef X_NAME
    case ODPU_OP_ILLEGAL: break;
    }
    return "ILLEGAL";
}

const char *odpu_buf_name(odpu_buf_id buf)
{
    static const char *const names[ODPU_BUF_COUNT] = {"IBUF", "OBUF", "WBUF", "PBUF", "ABUF"};
    return (unsigned)buf < ODPU_BUF_COUNT ? names[buf] : "DDR";
}

const char *odpu_engine_name(odpu_engine engine)
{
    switch (engine) {
    case ODPU_ENGINE_LOAD: return "load";
    case ODPU_ENGINE_COMPUTE: return "compute";
    case ODPU_ENGINE_STORE: return "store";
    case ODPU_ENGINE_FETCH: return "fetch";
    }
    return "?";
}

const char *odpu_hw_error_name(odpu_hw_error code)
{
    static const char *const names[ODPU_HW_ERROR_COUNT] = {
        [ODPU_HW_OK] = "OK",
        [ODPU_HW_ILLEGAL_INSN] = "ILLEGAL_INSN",
        [ODPU_HW_BUF_BOUNDS] = "BUF_BOUNDS",
        [ODPU_HW_DDR_BOUNDS] = "DDR_BOUNDS",
        [ODPU_HW_WATCHDOG] = "WATCHDOG",
        [ODPU_HW_AXI_RESP] = "AXI_RESP",
        [ODPU_HW_NO_END] = "NO_END",
        [ODPU_HW_ABORTED] = "ABORTED",
    };
    return (unsigned)code < ODPU_HW_ERROR_COUNT && names[code] ? names[code] : "?";
}

const char *odpu_reg_name(uint32_t offset)
{
#define NAME_OF_PTR(NAME)                                    \
    case ODPU_REG_##NAME##_LO: return #NAME "_LO";          \
    case ODPU_REG_##NAME##_HI: return #NAME "_HI";
#define NAME_OF_U64(NAME) NAME_OF_PTR(NAME)
#define NAME_OF_U32(NAME) \
    case ODPU_REG_##NAME: return #NAME;
#define X_CTRL_NAME(NAME, offset, access, desc) \
    case offset: return #NAME;
#define X_ARG_NAME(NAME, dir, kind, desc) NAME_OF_##kind(NAME)
    switch (offset) {
        ODPU_CTRL_REGS(X_CTRL_NAME)
        ODPU_ARGS(X_ARG_NAME)
    default: break;
    }
#undef X_CTRL_NAME
#undef X_ARG_NAME
#undef NAME_OF_PTR
#undef NAME_OF_U64
#undef NAME_OF_U32
    return offset < ODPU_REG_MAP_BYTES && offset % ODPU_REG_BYTES == 0 ? "(reserved)" : "(no register)";
}
