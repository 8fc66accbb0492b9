/*
 * insn_count: a QEMU TCG plugin that counts executed guest instructions exactly and records the running count
 * each time a marker address is reached.
 *
 *   qemu-system-arm ... -plugin insn_count.so,marker=0x1234,out=counts.txt
 *
 * Every translated instruction gets an inline 64-bit add of 1 (no helper call, so the cost is small), which stays
 * exact when a translation block is left early. The instruction at a marker address also gets a callback that
 * appends the counter's value to a list; at exit the plugin writes one count per line to the `out` file.
 * Whether the count recorded at a marker includes the marker instruction's own add is the same at every arrival,
 * so the difference of two records is exactly the number of instructions executed from one arrival to the next.
 *
 * QEMU's own header is not installed on every system, so the few declarations of the plugin API this file uses
 * (API version 1, as in QEMU 7.x) are written out below.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the plugin API subset (QEMU 7.2, QEMU_PLUGIN_VERSION 1) ---- */
#define PLUGIN_EXPORT __attribute__((visibility("default")))

typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t; /* only passed through, never read */
struct qemu_plugin_tb;
struct qemu_plugin_insn;

enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS = 0 };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 = 0 };

typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);

extern void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
extern size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
extern struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
extern uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
extern void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn, enum qemu_plugin_op op,
                                                       void *ptr, uint64_t imm);
extern void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_udata_cb_t cb,
                                                   enum qemu_plugin_cb_flags flags, void *userdata);
extern void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);
extern void qemu_plugin_outs(const char *string);

PLUGIN_EXPORT int qemu_plugin_version = 1;

/* ---- state: one guest CPU ---- */
static uint64_t executed;
static uint64_t marker_address = UINT64_MAX;
static uint64_t *records;
static size_t record_count, record_capacity;
static char *out_path;
static bool out_of_memory;

static void on_marker(unsigned int vcpu_index, void *userdata)
{
    (void)vcpu_index;
    (void)userdata;
    if (record_count == record_capacity) {
        size_t capacity = record_capacity ? 2 * record_capacity : 1024;
        uint64_t *grown = realloc(records, capacity * sizeof *grown);
        if (grown == NULL) {
            out_of_memory = true;
            return;
        }
        records = grown;
        record_capacity = capacity;
    }
    records[record_count++] = executed;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < n; ++i) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        if (qemu_plugin_insn_vaddr(insn) == marker_address) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker, QEMU_PLUGIN_CB_NO_REGS, NULL);
        }
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &executed, 1);
    }
}

static void write_records(qemu_plugin_id_t id, void *userdata)
{
    (void)id;
    (void)userdata;
    FILE *out = out_path ? fopen(out_path, "w") : NULL;
    if (out == NULL) {
        qemu_plugin_outs("insn_count: cannot write the output file\n");
        return;
    }
    fprintf(out, "total %" PRIu64 "\n", executed);
    if (out_of_memory) {
        fprintf(out, "error out of memory\n");
    }
    for (size_t i = 0; i < record_count; ++i) {
        fprintf(out, "%" PRIu64 "\n", records[i]);
    }
    fclose(out);
}

PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
    (void)info;
    for (int i = 0; i < argc; ++i) {
        if (strncmp(argv[i], "marker=", 7) == 0) {
            char *end;
            marker_address = strtoull(argv[i] + 7, &end, 0);
            if (*end != '\0') {
                qemu_plugin_outs("insn_count: marker= wants an address\n");
                return -1;
            }
        } else if (strncmp(argv[i], "out=", 4) == 0) {
            out_path = strdup(argv[i] + 4);
        } else {
            qemu_plugin_outs("insn_count: unknown argument (known: marker=ADDRESS, out=FILE)\n");
            return -1;
        }
    }
    if (out_path == NULL) {
        qemu_plugin_outs("insn_count: out=FILE is required\n");
        return -1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, write_records, NULL);
    return 0;
}
