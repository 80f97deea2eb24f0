/**
 * Loads the adapter `shared/aws/<name>.ts` and builds its port. A deployed function's bundle replaces this
 * file with the adapters its checks and remediations call, named one by one (infra/bundle.ts), so the
 * others and their SDK clients are not in it.
 */
export async function loadAdapter(name: string): Promise<object> {
  const adapter = (await import(/* @vite-ignore */ `./${name}.js`)) as { sdkPort?: () => object };
  if (typeof adapter.sdkPort !== 'function') throw new Error(`shared/aws/${name}.ts is not an AWS adapter: it exports no sdkPort`);
  return adapter.sdkPort();
}
