# Run by busybox sh as init on a writable tmpfs root (files_test.cpp):
# the file utilities a shell user types, each result printed for the test.
set -e
mkdir -p /tmp/a/b
echo x > /tmp/a/f
cat /tmp/a/f
cp /tmp/a/f /tmp/a/b/g
mv /tmp/a/b/g /tmp/a/b/h
ls /tmp/a/b
echo appended >> /tmp/a/f
wc -l /tmp/a/f
find /tmp/a | sort
ls -l /tmp/a/f
sed 's/x/y/' /tmp/a/f
printf 'b\na\nb\nc\nb\n' | sort | uniq -c
cat <<END > /tmp/here
line one
line $((1 + 1))
END
cat /tmp/here
ln -s /tmp/here /tmp/link
cat /tmp/link
ln /tmp/here /tmp/hard
stat -c '%h' /tmp/here
rm -r /tmp/a
ls /tmp
test ! -e /tmp/a && echo removed
cd /tmp && pwd
ps
top -n 1 -b | head -4
free
uptime
readlink /proc/self/exe
mkdir /mnt
mount -t tmpfs scratch /mnt
echo in-mount > /mnt/f
cat /mnt/f
grep ' /mnt ' /proc/mounts
umount /mnt
test ! -e /mnt/f && echo unmounted
echo done
