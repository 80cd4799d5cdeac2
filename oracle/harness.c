/*
 * Javelin oracle harness: runs single x86 instructions natively in a 32-bit user process.
 *
 * Protocol (binary, little-endian, on stdin/stdout), one case after another:
 *   in : u32 magic 'JVOC', u32 gpr[8] (EAX..EDI; ESP is ignored), u32 eflags,
 *        u8 fsave[108] (the 32-bit protected-mode FNSAVE image loaded with FRSTOR),
 *        u8 data[DATA_SIZE] (copied to DATA_ADDR), u8 code_len, u8 code[15]
 *   out: u32 gpr[8], u32 eflags, u8 fsave[108], u8 data[DATA_SIZE], i32 signal (0 = none)
 * The instruction runs at CODE_ADDR followed by RET; data lives at DATA_ADDR. Both addresses are
 * fixed (MAP_FIXED_NOREPLACE) so the emulator can place code and data at the same addresses.
 * Build: oracle/build (gcc -m32 -O1 -fno-pie -no-pie).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CODE_ADDR 0x00300000u
#define DATA_ADDR 0x00200000u
#define DATA_SIZE 128
#define MAGIC 0x434F564Au

struct case_in {
    uint32_t magic;
    uint32_t gpr[8];
    uint32_t eflags;
    uint8_t fsave[108];
    uint8_t data[DATA_SIZE];
    uint8_t code_len;
    uint8_t code[15];
} __attribute__((packed));

struct case_out {
    uint32_t gpr[8];
    uint32_t eflags;
    uint8_t fsave[108];
    uint8_t data[DATA_SIZE];
    int32_t signal;
} __attribute__((packed));

/* Globals at fixed (non-PIE) addresses, used by absolute addressing in run_case. */
uint32_t h_gpr_in[8], h_gpr_out[8], h_eflags_in, h_eflags_out, h_saved_esp;
uint8_t h_fpu_in[108] __attribute__((aligned(16))), h_fpu_out[108] __attribute__((aligned(16)));
void *h_code = (void *) CODE_ADDR;

void run_case(void);
__asm__(
    ".text\n"
    ".globl run_case\n"
    "run_case:\n"
    "  pushal\n"
    "  movl %esp, h_saved_esp\n"
    "  frstor h_fpu_in\n"
    "  pushl h_eflags_in\n"
    "  popfl\n"
    "  movl h_gpr_in+0, %eax\n"
    "  movl h_gpr_in+4, %ecx\n"
    "  movl h_gpr_in+8, %edx\n"
    "  movl h_gpr_in+12, %ebx\n"
    "  movl h_gpr_in+20, %ebp\n"
    "  movl h_gpr_in+24, %esi\n"
    "  movl h_gpr_in+28, %edi\n"
    "  call *h_code\n"
    "  pushfl\n"
    "  popl h_eflags_out\n"
    "  cld\n"
    "  movl %eax, h_gpr_out+0\n"
    "  movl %ecx, h_gpr_out+4\n"
    "  movl %edx, h_gpr_out+8\n"
    "  movl %ebx, h_gpr_out+12\n"
    "  movl %ebp, h_gpr_out+20\n"
    "  movl %esi, h_gpr_out+24\n"
    "  movl %edi, h_gpr_out+28\n"
    "  fnsave h_fpu_out\n"
    "  fninit\n"
    "  movl h_saved_esp, %esp\n"
    "  popal\n"
    "  ret\n");

static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_signal;

static void on_fault(int sig) {
    fault_signal = sig;
    siglongjmp(fault_jmp, 1);
}

static int read_full(void *buf, size_t n) {
    uint8_t *p = buf;
    while (n > 0) {
        ssize_t r = read(0, p, n);
        if (r <= 0) return 0;
        p += r;
        n -= (size_t) r;
    }
    return 1;
}

int main(void) {
    uint8_t *code = mmap((void *) CODE_ADDR, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    uint8_t *data = mmap((void *) DATA_ADDR, 4096, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (code != (uint8_t *) CODE_ADDR || data != (uint8_t *) DATA_ADDR) {
        fprintf(stderr, "oracle: cannot map code/data at fixed addresses\n");
        return 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fault;
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGTRAP, &sa, NULL);

    static struct case_in in;
    static struct case_out out;
    while (read_full(&in, sizeof in)) {
        if (in.magic != MAGIC || in.code_len > 14) {
            fprintf(stderr, "oracle: bad case record\n");
            return 2;
        }
        memcpy(code, in.code, in.code_len);
        code[in.code_len] = 0xC3; /* RET */
        memcpy(data, in.data, DATA_SIZE);
        memcpy(h_gpr_in, in.gpr, sizeof h_gpr_in);
        h_eflags_in = in.eflags & 0x0CD5; /* CF PF AF ZF SF DF OF only */
        memcpy(h_fpu_in, in.fsave, sizeof h_fpu_in);
        fault_signal = 0;
        if (sigsetjmp(fault_jmp, 1) == 0) {
            run_case();
        } else {
            __asm__ volatile("cld\n fninit");
            memset(h_gpr_out, 0, sizeof h_gpr_out);
            memset(h_fpu_out, 0, sizeof h_fpu_out);
            h_eflags_out = 0;
        }
        memcpy(out.gpr, h_gpr_out, sizeof out.gpr);
        out.gpr[4] = 0;
        out.eflags = h_eflags_out;
        memcpy(out.fsave, h_fpu_out, sizeof out.fsave);
        memcpy(out.data, data, DATA_SIZE);
        out.signal = fault_signal;
        if (fwrite(&out, sizeof out, 1, stdout) != 1) return 2;
    }
    fflush(stdout);
    return 0;
}
