/** What file-system error codes mean to the person whose run hit them. */
const CAUSES: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'it is a directory',
  EEXIST: 'it already exists',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
  EIO: 'an input/output error of the device',
};

/** `cannot write /x/y: no space left on the device (ENOSPC)`, for an fs error; else undefined. */
export function describeFsError(error: unknown): string | undefined {
  const e = error as NodeJS.ErrnoException;
  if (!e || typeof e.code !== 'string' || !(e.code in CAUSES)) return undefined;
  const verb = e.syscall === 'open' || e.syscall === 'read' || e.syscall === 'scandir' || e.syscall === 'stat' ? 'use' : e.syscall === 'mkdir' ? 'create' : e.syscall === 'unlink' || e.syscall === 'rmdir' ? 'remove' : 'write';
  return `cannot ${verb} ${e.path ?? 'a file'}: ${CAUSES[e.code]} (${e.code})`;
}
