export async function listCommand(_args: string[]): Promise<number> {
  process.stderr.write('list: not implemented yet\n');
  return 2;
}
