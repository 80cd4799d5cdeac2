; Triple fault (SDM vol. 3, 6.15, interrupt 8: "If another exception occurs while attempting
; to call the double-fault handler, the processor enters shutdown mode"). With an empty IDT,
; UD2 raises #UD, whose delivery raises #GP (benign then contributory: handled serially),
; whose delivery raises #GP again (contributory twice: #DF), whose delivery faults: shutdown.
; The program never reaches the exit port; the harness checks the shutdown request.
%include "lib.inc"
%include "boot.inc"

[bits 32]
tests:
    PRINT "triple: faulting now", 10
    lidt [cs:empty_idt]
    ud2
    PRINT "triple: still running", 10
    mov al, 0xFD
    out 0xF4, al
    hlt

empty_idt:
    dw 0
    dd 0

%include "runtime.inc"
%include "reset.inc"
