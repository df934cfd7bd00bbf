/*
 * QEMU TCG plugin (API v1, QEMU 7.x) that counts executed guest instructions exactly, and records the
 * running count each time the guest executes the first instruction of a marker function.
 *   -plugin ./libinsn_count.so,marker=0x1234,out=/path/counts.txt
 * Output lines: "mark <n> <count>" per marker hit, then "total <count>".
 * Debian ships no qemu-plugin.h, so the few v1 API entry points used are declared here by hand (they match
 * include/qemu/qemu-plugin.h of QEMU 7.2). Build: gcc -shared -fPIC -O2 -o libinsn_count.so insn_count_plugin.c
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn, enum qemu_plugin_op op, void *ptr,
                                                uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

static uint64_t insn_count;
static uint64_t marker_addr = UINT64_MAX;
static FILE *out;
static uint64_t marks;

static void on_marker(unsigned int vcpu_index, void *userdata) {
  (void)vcpu_index;
  (void)userdata;
  fprintf(out, "mark %" PRIu64 " %" PRIu64 "\n", marks++, insn_count);
}

static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  const size_t n = qemu_plugin_tb_n_insns(tb);
  for (size_t i = 0; i < n; i++) {
    struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
    /* the marker callback sees the count of every instruction before the marker's first one */
    if (qemu_plugin_insn_vaddr(insn) == marker_addr)
      qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker, QEMU_PLUGIN_CB_NO_REGS, NULL);
    qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &insn_count, 1);
  }
}

static void on_plugin_exit(qemu_plugin_id_t id, void *userdata) {
  (void)id;
  (void)userdata;
  fprintf(out, "total %" PRIu64 "\n", insn_count);
  fflush(out);
  if (out != stderr) fclose(out);
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                                               int argc, char **argv) {
  (void)info;
  out = stderr;
  for (int i = 0; i < argc; i++) {
    if (strncmp(argv[i], "marker=", 7) == 0) {
      marker_addr = strtoull(argv[i] + 7, NULL, 0) & ~(uint64_t)1; /* Thumb bit off */
    } else if (strncmp(argv[i], "out=", 4) == 0) {
      FILE *f = fopen(argv[i] + 4, "w");
      if (!f) {
        fprintf(stderr, "insn_count: cannot open %s\n", argv[i] + 4);
        return -1;
      }
      out = f;
    }
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_trans);
  qemu_plugin_register_atexit_cb(id, on_plugin_exit, NULL);
  return 0;
}
