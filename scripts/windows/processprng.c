/*
 * Test-environment shim: Rust's standard library (1.78 and later) asks Windows for
 * random bytes through ProcessPrng in bcryptprimitives.dll. Windows 10 and later have
 * it; Wine adds it only in 8.13, so on Debian's Wine 8.0 no Rust program starts
 * (exit code 53). This DLL gives Wine's prefix a ProcessPrng that forwards to
 * RtlGenRandom (advapi32's SystemFunction036), which Wine 8.0 has. It is built by
 * scripts/windows.sh for the test prefix only and is never shipped.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG part = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, part)) {
            return FALSE;
        }
        data += part;
        length -= part;
    }
    return TRUE;
}
