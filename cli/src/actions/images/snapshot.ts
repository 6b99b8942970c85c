/**
 * What a built image holds, read from the image itself rather than from its Dockerfile: its
 * config (user, labels, command, size) from `image inspect`, and its files layer by layer from
 * `save` (a docker-archive: manifest.json and one tar per layer). Secret-shaped content is
 * looked for in every layer, deleted files included (a later layer's whiteout does not remove
 * a secret from the image); the final file system (whiteouts applied) is what runs.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ContainerToolClient, ImageInfo } from '../../clients/container-tool.js';
import { scanText, type SecretHit } from '../../policy/secrets.js';

export interface LayerSecret {
  /** 1-based layer number, bottom first. */
  layer: number;
  path: string;
  hit: SecretHit;
}

export interface ImageContents {
  info: ImageInfo;
  /** Paths of the final file system (no leading slash). */
  files: Set<string>;
  secrets: LayerSecret[];
  layers: number;
}

/** Files scanned for secrets: text-sized, and not in trees that only hold third-party or OS files. */
const SCAN_LIMIT = 1024 * 1024;
const NOT_SCANNED = [
  /(^|\/)node_modules\//,
  /^usr\/(share|lib|include|libexec)\//,
  /^var\/lib\/(dpkg|apt)\//,
  /^etc\/ssl\/certs\//,
];

/** Reads the image `ref` through the container tool into `scratch` (a folder the caller removes). */
export async function readImage(tool: ContainerToolClient, ref: string, scratch: string): Promise<ImageContents | null> {
  const info = await tool.inspect(ref);
  if (!info) return null;
  const { extract, list } = await import('tar');
  const archive = path.join(scratch, 'image.tar');
  await tool.save(ref, archive);
  const unpacked = path.join(scratch, 'image');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(unpacked, { recursive: true });
  await extract({ file: archive, cwd: unpacked });
  const manifest = JSON.parse(await readFile(path.join(unpacked, 'manifest.json'), 'utf8')) as { Layers?: string[] }[];
  const layers = manifest[0]?.Layers ?? [];
  const files = new Set<string>();
  const secrets: LayerSecret[] = [];
  for (const [index, layer] of layers.entries()) {
    const pending: Promise<void>[] = [];
    await list({
      file: path.join(unpacked, layer),
      onReadEntry: (entry) => {
        const name = entry.path.replace(/^\.?\//, '');
        const base = path.posix.basename(name);
        const dir = path.posix.dirname(name);
        if (base === '.wh..wh..opq') {
          // an opaque directory: nothing below it from lower layers remains
          for (const f of files) if (f.startsWith(`${dir}/`)) files.delete(f);
          return;
        }
        if (base.startsWith('.wh.')) {
          const gone = path.posix.join(dir, base.slice(4));
          files.delete(gone);
          for (const f of files) if (f.startsWith(`${gone}/`)) files.delete(f);
          return;
        }
        if (entry.type !== 'File' && entry.type !== 'OldFile') return;
        files.add(name);
        if ((entry.size ?? 0) > SCAN_LIMIT || NOT_SCANNED.some((re) => re.test(name))) return;
        const chunks: Buffer[] = [];
        entry.on('data', (chunk: Buffer) => chunks.push(chunk));
        pending.push(
          new Promise((resolve) =>
            entry.on('end', () => {
              const content = Buffer.concat(chunks);
              // binary files hold no secret a person typed
              if (!content.subarray(0, 8000).includes(0)) {
                for (const hit of scanText(content.toString('utf8'), name)) secrets.push({ layer: index + 1, path: name, hit });
              }
              resolve();
            }),
          ),
        );
      },
    });
    await Promise.all(pending);
  }
  return { info, files, secrets, layers: layers.length };
}
