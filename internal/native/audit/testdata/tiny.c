/* Seed for FuzzParse: gcc -Os -fPIC -shared -nostdlib -fstack-protector-strong -Wl,-z,relro,-z,now -Wl,-z,max-page-size=0x10,-z,common-page-size=0x10,-z,noseparate-code -Wl,--build-id=none -o tiny.so tiny.c */
extern void __stack_chk_fail(void);
const char tiny_version[] = "expat_2.6.0";
int tiny(char *p, int n) { char buf[32]; for (int i = 0; i < n && i < 32; i++) buf[i] = p[i]; return buf[n & 31] + tiny_version[0]; }
