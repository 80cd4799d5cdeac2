/*
 * Javelin oracle harness: runs single x86 instructions natively on the host CPU.
 *
 * Built twice from this file (oracle/build): as a 32-bit program, which runs each case in 32-bit
 * protected mode exactly as the emulator does, and as a 64-bit program for hosts whose kernel
 * runs no 32-bit user code (IA-32 emulation off, or a hypervisor without compatibility mode).
 * In 64-bit mode the 8-, 16- and 32-bit forms the generator produces compute the same results and
 * flags (SDM vol. 1, 3.4.1.1: a 32-bit result is zero-extended, which the harness does not see);
 * the encodings that differ (INC/DEC 40h-4Fh are REX prefixes, the BCD adjustments #UD) are
 * rewritten or left out by the Java side, which knows the mode from the probe.
 *
 * Protocol (binary, little-endian, on stdin/stdout), one case after another:
 *   in : u32 magic 'JVOC', u32 gpr[8] (EAX..EDI; ESP is ignored), u32 eflags,
 *        u8 fsave[108] (the 32-bit protected-mode FNSAVE image loaded with FRSTOR),
 *        u8 data[DATA_SIZE] (copied to DATA_ADDR), u8 code_len, u8 code[15]
 *   out: u32 gpr[8], u32 eflags, u8 fsave[108], u8 data[DATA_SIZE], i32 signal (0 = none)
 * The instruction runs at CODE_ADDR followed by RET; data lives at DATA_ADDR. Both addresses are
 * fixed (MAP_FIXED_NOREPLACE) so the emulator can place code and data at the same addresses.
 * Probe: "harness --probe" prints one line, "javelin-oracle BITS VENDOR FAMILY MODEL BRAND",
 * from the host's CPUID (family and model with their extended fields folded in, in decimal).
 * Build: oracle/build (gcc -m32 or -m64, -O1 -fno-pie -no-pie).
 */
#define _GNU_SOURCE
#include <cpuid.h>
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
uint32_t h_gpr_in[8], h_gpr_out[8], h_eflags_in, h_eflags_out;
uintptr_t h_saved_sp;
uint8_t h_fpu_in[108] __attribute__((aligned(16))), h_fpu_out[108] __attribute__((aligned(16)));
void *h_code = (void *) CODE_ADDR;

void run_case(void);
#if defined(__x86_64__)
#define HARNESS_BITS 64
/* The registers load and store as 32-bit moves: what the case sees and leaves in the low halves. */
__asm__(
    ".text\n"
    ".globl run_case\n"
    "run_case:\n"
    "  pushq %rbx\n"
    "  pushq %rbp\n"
    "  pushq %r12\n"
    "  pushq %r13\n"
    "  pushq %r14\n"
    "  pushq %r15\n"
    "  movq %rsp, h_saved_sp\n"
    "  frstor h_fpu_in\n"
    "  movl h_eflags_in, %eax\n"
    "  pushq %rax\n"
    "  popfq\n"
    "  movl h_gpr_in+0, %eax\n"
    "  movl h_gpr_in+4, %ecx\n"
    "  movl h_gpr_in+8, %edx\n"
    "  movl h_gpr_in+12, %ebx\n"
    "  movl h_gpr_in+20, %ebp\n"
    "  movl h_gpr_in+24, %esi\n"
    "  movl h_gpr_in+28, %edi\n"
    "  call *h_code\n"
    "  pushfq\n"
    "  movl %eax, h_gpr_out+0\n"
    "  popq %rax\n"
    "  movl %eax, h_eflags_out\n"
    "  cld\n"
    "  movl %ecx, h_gpr_out+4\n"
    "  movl %edx, h_gpr_out+8\n"
    "  movl %ebx, h_gpr_out+12\n"
    "  movl %ebp, h_gpr_out+20\n"
    "  movl %esi, h_gpr_out+24\n"
    "  movl %edi, h_gpr_out+28\n"
    "  fnsave h_fpu_out\n"
    "  fninit\n"
    "  movq h_saved_sp, %rsp\n"
    "  popq %r15\n"
    "  popq %r14\n"
    "  popq %r13\n"
    "  popq %r12\n"
    "  popq %rbp\n"
    "  popq %rbx\n"
    "  ret\n");
#else
#define HARNESS_BITS 32
__asm__(
    ".text\n"
    ".globl run_case\n"
    "run_case:\n"
    "  pushal\n"
    "  movl %esp, h_saved_sp\n"
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
    "  movl h_saved_sp, %esp\n"
    "  popal\n"
    "  ret\n");
#endif

/* The probe line: which mode the cases run in and which processor runs them. */
static void probe(void) {
    unsigned a, b, c, d;
    char vendor[13] = {0};
    char brand[49] = {0};
    __get_cpuid(0, &a, &b, &c, &d);
    memcpy(vendor, &b, 4);
    memcpy(vendor + 4, &d, 4);
    memcpy(vendor + 8, &c, 4);
    __get_cpuid(1, &a, &b, &c, &d);
    unsigned family = (a >> 8) & 0xF, model = (a >> 4) & 0xF;
    if (family == 0xF) family += (a >> 20) & 0xFF;
    if (family == 0x6 || family >= 0xF) model |= ((a >> 16) & 0xF) << 4;
    if (__get_cpuid_max(0x80000000, NULL) >= 0x80000004) {
        unsigned *p = (unsigned *) brand;
        for (unsigned leaf = 0x80000002; leaf <= 0x80000004; leaf++, p += 4) __get_cpuid(leaf, p, p + 1, p + 2, p + 3);
    }
    char *start = brand;
    while (*start == ' ') start++;
    printf("javelin-oracle %d %s %u %u %s\n", HARNESS_BITS, vendor, family, model, *start ? start : "unknown");
}

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

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--probe") == 0) {
        probe();
        return 0;
    }
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
