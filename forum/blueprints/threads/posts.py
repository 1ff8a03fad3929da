"""A thread's page; starting threads, replying, quoting, previewing, editing and withdrawing;
staff locking, pinning and moving threads."""
