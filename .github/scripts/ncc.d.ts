// @vercel/ncc ships no types; this is the part of its programmatic API the build uses.
declare module '@vercel/ncc' {
  interface NccOptions {
    cache?: boolean | string;
    minify?: boolean;
    quiet?: boolean;
    sourceMap?: boolean;
    license?: string;
    target?: string;
    /** Skip type checking (the project runs tsc on its own). */
    transpileOnly?: boolean;
  }
  export default function ncc(
    entry: string,
    options?: NccOptions,
  ): Promise<{ code: string; assets: Record<string, { source: string | Buffer }> }>;
}
