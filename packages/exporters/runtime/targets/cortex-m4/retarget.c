/*
 * Retargets the self-check's printf (newlib `_write`) to a board's ST-LINK virtual COM port or to ITM/SWO.
 * Compiled into the device build only; without a board macro it compiles to nothing and `_write` stays newlib's
 * nosys stub (read `bnn_selfcheck_result` with the debugger instead).
 *
 *   -DBNN_BOARD_NUCLEO_L4R5ZI     LPUART1, TX = PG7, RX = PG8 (AF8), wired to the ST-LINK VCP. PG2..PG15 are
 *                                 powered from VDDIO2, which must be declared valid first (PWR_CR2.IOSV).
 *   -DBNN_BOARD_STM32L4R9I_DISCO  USART2, TX = PA2, RX = PA3 (AF7), wired to the ST-LINK VCP.
 *   -DBNN_STDOUT_ITM              (with either board, or alone) ITM stimulus port 0 instead of the UART: SWO on
 *                                 PB3; the debugger enables the trace (e.g. OpenOCD `itm port 0 on`).
 *
 * Clock: the code runs on the reset clock, MSI at 4 MHz (no PLL set up), and derives the baud rate from it:
 * 115200 8N1. If your application raises SYSCLK (PLL, up to 120 MHz with range-1 boost and 5 flash wait
 * states), set BNN_UART_CLOCK_HZ to the new APB1 clock.
 * Registers from RM0432 (STM32L4+ reference manual); no HAL needed.
 */
#if defined(BNN_BOARD_NUCLEO_L4R5ZI) || defined(BNN_BOARD_STM32L4R9I_DISCO) || defined(BNN_STDOUT_ITM)
#include <stdint.h>

#define REG(addr) (*(volatile uint32_t *)(addr))

#ifndef BNN_UART_CLOCK_HZ
#define BNN_UART_CLOCK_HZ 4000000u /* MSI range 6 after reset */
#endif
#ifndef BNN_UART_BAUD
#define BNN_UART_BAUD 115200u
#endif

#define RCC_BASE 0x40021000u
#define RCC_AHB2ENR REG(RCC_BASE + 0x4Cu)
#define RCC_APB1ENR1 REG(RCC_BASE + 0x58u)
#define RCC_APB1ENR2 REG(RCC_BASE + 0x5Cu)
#define PWR_CR2 REG(0x40007004u)

/* USART/LPUART register offsets (same layout on both). */
#define U_CR1 0x00u
#define U_BRR 0x0Cu
#define U_ISR 0x1Cu
#define U_TDR 0x28u
#define U_CR1_UE (1u << 0)
#define U_CR1_TE (1u << 3)
#define U_ISR_TXE (1u << 7)

/* ITM and debug registers (ARMv7-M). */
#define ITM_STIM0 REG(0xE0000000u)
#define ITM_TER REG(0xE0000E00u)
#define ITM_TCR REG(0xE0000E80u)
#define DEMCR REG(0xE000EDFCu)

#if defined(BNN_STDOUT_ITM)
static int port_ready(void) {
  /* The debugger turns the trace on; without it the characters are dropped, never blocking. */
  return (DEMCR & (1u << 24)) && (ITM_TCR & 1u) && (ITM_TER & 1u);
}
static void put(char c) {
  if (!port_ready()) return;
  while (ITM_STIM0 == 0u) {
  }
  *(volatile uint8_t *)0xE0000000u = (uint8_t)c;
}
#else
static void gpio_af(uint32_t gpio_base, unsigned pin, unsigned af) {
  volatile uint32_t *moder = (volatile uint32_t *)(gpio_base + 0x00u);
  volatile uint32_t *afr = (volatile uint32_t *)(gpio_base + (pin < 8u ? 0x20u : 0x24u));
  unsigned shift = (pin % 8u) * 4u;
  *afr = (*afr & ~(0xFu << shift)) | ((uint32_t)af << shift);
  *moder = (*moder & ~(3u << (pin * 2u))) | (2u << (pin * 2u)); /* alternate function */
}

#if defined(BNN_BOARD_NUCLEO_L4R5ZI)
#define UART_BASE 0x40008000u /* LPUART1 */
static void uart_init(void) {
  RCC_APB1ENR1 |= 1u << 28;  /* PWREN */
  PWR_CR2 |= 1u << 9;        /* IOSV: VDDIO2 valid, powers PG2..PG15 */
  RCC_AHB2ENR |= 1u << 6;    /* GPIOGEN */
  RCC_APB1ENR2 |= 1u << 0;   /* LPUART1EN; kernel clock PCLK1 (RCC_CCIPR.LPUART1SEL = 00 after reset) */
  (void)RCC_APB1ENR2;
  gpio_af(0x48001800u, 7u, 8u); /* PG7 = LPUART1_TX */
  gpio_af(0x48001800u, 8u, 8u); /* PG8 = LPUART1_RX */
  /* LPUART: BRR = 256 · f_ck / baud (4 MHz, 115200 → 8889; must be ≥ 0x300). */
  REG(UART_BASE + U_BRR) = (uint32_t)(((uint64_t)BNN_UART_CLOCK_HZ * 256u + BNN_UART_BAUD / 2u) / BNN_UART_BAUD);
  REG(UART_BASE + U_CR1) = U_CR1_TE | U_CR1_UE;
}
#elif defined(BNN_BOARD_STM32L4R9I_DISCO)
#define UART_BASE 0x40004400u /* USART2 */
static void uart_init(void) {
  RCC_AHB2ENR |= 1u << 0;   /* GPIOAEN */
  RCC_APB1ENR1 |= 1u << 17; /* USART2EN; kernel clock PCLK1 (RCC_CCIPR.USART2SEL = 00 after reset) */
  (void)RCC_APB1ENR1;
  gpio_af(0x48000000u, 2u, 7u); /* PA2 = USART2_TX */
  gpio_af(0x48000000u, 3u, 7u); /* PA3 = USART2_RX */
  /* USART, 16× oversampling: BRR = f_ck / baud (4 MHz, 115200 → 35, 0.8 % fast). */
  REG(UART_BASE + U_BRR) = (BNN_UART_CLOCK_HZ + BNN_UART_BAUD / 2u) / BNN_UART_BAUD;
  REG(UART_BASE + U_CR1) = U_CR1_TE | U_CR1_UE;
}
#endif
static void put(char c) {
  static int ready;
  if (!ready) {
    uart_init();
    ready = 1;
  }
  while (!(REG(UART_BASE + U_ISR) & U_ISR_TXE)) {
  }
  REG(UART_BASE + U_TDR) = (uint8_t)c;
}
#endif

int _write(int fd, const char *buf, int len);
int _write(int fd, const char *buf, int len) {
  (void)fd;
  for (int i = 0; i < len; i++) {
    if (buf[i] == '\n') put('\r'); /* terminals expect CR LF */
    put(buf[i]);
  }
  return len;
}
#else
/* No board selected: nothing to retarget (ISO C forbids an empty translation unit). */
typedef int bnn_retarget_none;
#endif
