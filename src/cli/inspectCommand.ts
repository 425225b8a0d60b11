export async function inspectCommand(_args: string[]): Promise<number> {
  process.stderr.write('inspect: not implemented yet\n');
  return 2;
}
