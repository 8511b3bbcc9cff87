// bottleneck's light build (what @octokit/plugin-throttling loads) ships without its own types;
// it is the full build less Redis clustering, so the full build's types describe it.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
