/*
 * Cortex-M4 startup: vector table and Reset_Handler. Copies .data from flash, zeroes .bss and enables the
 * FPU (CPACR CP10/CP11 full access) before any floating-point instruction can run.
 *   BNN_SEMIHOSTING: hands over to newlib's rdimon `_start` (stdio over semihosting: QEMU or a debugger).
 *   otherwise:       runs static constructors and calls main directly (newlib nosys stubs).
 */
#include <stdint.h>

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
extern int main(void);
void Reset_Handler(void);
void Fault_Handler(void);
void Default_Handler(void);

#ifdef BNN_SEMIHOSTING
extern void _start(void);
#else
extern void __libc_init_array(void);
#endif

#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)

__attribute__((section(".isr_vector"), used)) void (*const bnn_vector_table[16])(void) = {
    (void (*)(void))(uintptr_t)&_estack, /* initial stack pointer */
    Reset_Handler,
    Fault_Handler, /* NMI */
    Fault_Handler, /* HardFault */
    Fault_Handler, /* MemManage */
    Fault_Handler, /* BusFault */
    Fault_Handler, /* UsageFault */
    0,
    0,
    0,
    0,
    Default_Handler, /* SVCall */
    Default_Handler, /* DebugMonitor */
    0,
    Default_Handler, /* PendSV */
    Default_Handler, /* SysTick */
};

void Reset_Handler(void) {
  SCB_CPACR |= 0xFu << 20; /* CP10, CP11: full access */
  __asm volatile("dsb\n\tisb" ::: "memory");
  for (uint32_t *src = &_sidata, *dst = &_sdata; dst < &_edata;) *dst++ = *src++;
  for (uint32_t *dst = &_sbss; dst < &_ebss;) *dst++ = 0u;
#ifdef BNN_SEMIHOSTING
  _start();
#else
  __libc_init_array();
  (void)main();
#endif
  for (;;) {
  }
}

/* A fault ends the run: under semihosting report "run-time error" so the emulator exits non-zero. */
void Fault_Handler(void) {
#ifdef BNN_SEMIHOSTING
  register uint32_t op __asm("r0") = 0x18u;      /* SYS_EXIT */
  register uint32_t arg __asm("r1") = 0x20023u; /* ADP_Stopped_RunTimeErrorUnknown */
  __asm volatile("bkpt 0xab" : : "r"(op), "r"(arg) : "memory");
#endif
  for (;;) {
  }
}

void Default_Handler(void) {
  for (;;) {
  }
}
