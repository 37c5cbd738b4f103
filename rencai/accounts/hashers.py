"""The password hasher: argon2id with OWASP's second listed profile (m = 19 MiB, t = 2, p = 1).

Django's defaults (m = 100 MiB, t = 2, p = 8) cost about 200 ms of CPU per verification
here, which on a 2-core server makes the morning's logins queue behind each other
(bench/README.md, mixed load). OWASP's Password Storage Cheat Sheet lists m = 19 MiB / t = 2
/ p = 1 as a configuration of equal strength to its other argon2id profiles; it costs about
22 ms. Logins are also limited by django-axes and the SMS-code limits. The algorithm name
stays "argon2", so existing hashes verify and are re-hashed with these parameters at the
next login (Django's `must_update`)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
