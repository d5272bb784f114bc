/** The laid-out contraction tree as an SVG picture: boxes for steps and operands, curved links. */
import { fit, svg } from './dom.js';
import { NODE_HEIGHT, type LaidOutNode, type TreeLayout } from './tree-layout.js';

/** A wide tree shrinks to the panel's width, down to this fraction of its natural size; then it scrolls. */
const MIN_SCALE = 0.6;

export function treeSvg(layout: TreeLayout): SVGSVGElement {
  const picture = svg('svg', {
    class: 'tree',
    width: layout.width,
    height: layout.height,
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    role: 'img',
    'aria-label': 'contraction tree',
  });
  // CSSOM, not a style attribute: the page's policy allows no inline styles.
  picture.style.minWidth = `${Math.round(layout.width * MIN_SCALE)}px`;
  for (const { from, to } of layout.links) {
    const middle = (from.y + to.y) / 2;
    picture.append(svg('path', { class: 'link', d: `M${from.x},${from.y} C${from.x},${middle} ${to.x},${middle} ${to.x},${to.y}` }));
  }
  for (const node of layout.nodes) picture.append(nodeGroup(node, layout));
  return picture;
}

function nodeGroup(node: LaidOutNode, { nodeWidth, charsPerLine }: TreeLayout): SVGGElement {
  const kind = node.kind === 'step' ? `step heat-${node.heat}` : 'leaf';
  const group = svg('g', { class: `node ${kind}`, transform: `translate(${node.x},${node.y})` });
  group.append(
    svg('title', {}, node.kind === 'step' ? `step ${node.order}: ${node.title}\n${node.shape}\n${node.detail}` : `${node.title} ${node.shape}`),
    svg('rect', { width: nodeWidth, height: NODE_HEIGHT, rx: 6 }),
    svg('text', { class: 'title', x: 10, y: 18 }, fit(node.kind === 'step' ? `${node.order}. ${node.title}` : node.title, charsPerLine)),
    svg('text', { class: 'shape', x: 10, y: 36 }, fit(node.shape, charsPerLine)),
    svg('text', { class: 'detail', x: 10, y: 52 }, fit(node.detail, charsPerLine)),
  );
  return group;
}
