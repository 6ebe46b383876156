import importlib, os, sys
d = "/usr/lib/python3.11/lib-dynload"
names = sorted(f.split(".")[0] for f in os.listdir(d) if f.endswith(".so"))
ok, failed = [], []
for n in names:
    try:
        m = importlib.import_module(n)
        if getattr(m, "__file__", "").startswith(d):
            ok.append(n)
    except Exception as e:
        failed.append("%s (%s: %s)" % (n, type(e).__name__, e))
print(len(ok), "dlopen'ed:", " ".join(ok))
print("failed:", failed)
import _ssl, _sqlite3, _decimal, _ctypes, _hashlib, _bz2, _lzma, _json, _uuid, _asyncio, mmap, termios, resource, readline, _zoneinfo
print(_hashlib.new("sha256", b"x").hexdigest()[:16], _bz2.BZ2Compressor().flush()[:4], _lzma.is_check_supported(1), _json.encode_basestring_ascii("é"),
      _decimal.Decimal(2).sqrt(), _sqlite3.sqlite_version[:2], _ctypes.sizeof(__import__("ctypes").c_long), mmap.PAGESIZE, resource.getpagesize())
import _codecs_jp; print("あ".encode("shift_jis"), "€".encode("gb2312", "replace"), "한".encode("euc_kr"))
