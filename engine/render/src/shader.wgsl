// Plaatwerk's one shader: solid colours, gradients and images, in sRGB-encoded values
// with premultiplied alpha (blending happens in sRGB space, as in SVG renderers).

struct Camera {
    // clip = (plate - origin) * scale + vec2(-1, 1)
    origin: vec2<f32>,
    scale: vec2<f32>,
};

struct Paint {
    // 0 solid, 1 linear, 2 radial, 3 image
    kind: u32,
    // 0 pad, 1 repeat, 2 reflect
    spread: u32,
    row: f32,
    ramp_rows: f32,
    // plate space -> paint space: x' = dot(m0.xyz, (x, y, 1)), y' = dot(m1.xyz, (x, y, 1))
    m0: vec4<f32>,
    m1: vec4<f32>,
    // linear: start.xy, end.xy; radial: centre.xy, radius, 0
    p0: vec4<f32>,
    // radial: focal.xy
    p1: vec4<f32>,
};

@group(0) @binding(0) var<uniform> camera: Camera;
@group(0) @binding(1) var<storage, read> paints: array<Paint>;
@group(0) @binding(2) var ramps: texture_2d<f32>;
@group(0) @binding(3) var ramp_sampler: sampler;
@group(1) @binding(0) var image: texture_2d<f32>;
@group(1) @binding(1) var image_sampler: sampler;

struct VertexIn {
    @location(0) position: vec2<f32>,
    @location(1) color: vec4<f32>,
    @location(2) paint: u32,
    @location(3) depth: f32,
};

// One varying, so a software rasterizer (llvmpipe) keeps as little per triangle as it
// can: a solid colour is the colour (straight alpha, w >= 0); anything with a paint is
// (plate x, plate y, paint index, -1 - opacity). Values that are the same at all three
// corners interpolate to themselves.
struct VertexOut {
    @builtin(position) clip: vec4<f32>,
    @location(0) data: vec4<f32>,
};

@vertex
fn vs_main(v: VertexIn) -> VertexOut {
    var out: VertexOut;
    let xy = (v.position - camera.origin) * camera.scale + vec2<f32>(-1.0, 1.0);
    out.clip = vec4<f32>(xy, v.depth, 1.0);
    if v.paint == 0u {
        out.data = v.color;
    } else {
        out.data = vec4<f32>(v.position, f32(v.paint), -1.0 - v.color.a);
    }
    return out;
}

fn spread(t: f32, mode: u32) -> f32 {
    if mode == 1u {
        return fract(t);
    }
    if mode == 2u {
        let m = t - 2.0 * floor(t * 0.5);
        return select(m, 2.0 - m, m > 1.0);
    }
    return clamp(t, 0.0, 1.0);
}

@fragment
fn fs_main(in: VertexOut) -> @location(0) vec4<f32> {
    if in.data.w >= 0.0 {
        return vec4<f32>(in.data.rgb * in.data.w, in.data.w);
    }
    let plate = in.data.xy;
    let alpha = clamp(-in.data.w - 1.0, 0.0, 1.0);
    let p = paints[u32(round(in.data.z))];
    let q = vec2<f32>(dot(p.m0.xyz, vec3<f32>(plate, 1.0)), dot(p.m1.xyz, vec3<f32>(plate, 1.0)));
    if p.kind == 3u {
        let texel = textureSampleLevel(image, image_sampler, q, 0.0);
        return texel * alpha;
    }
    var t = 0.0;
    if p.kind == 1u {
        let d = p.p0.zw - p.p0.xy;
        t = dot(q - p.p0.xy, d) / max(dot(d, d), 1e-12);
    } else {
        // Two-point conical gradient from the focal circle (f, fr) at t = 0 to the
        // end circle (c, r) at t = 1: the largest t whose circle passes through q.
        let f = p.p1.xy;
        let fr = p.p1.z;
        let cd = p.p0.xy - f;
        let dr = p.p0.z - fr;
        let d = q - f;
        let a = dot(cd, cd) - dr * dr;
        let b = dot(d, cd) + fr * dr;
        let c = dot(d, d) - fr * fr;
        if abs(a) < 1e-6 {
            if abs(b) < 1e-9 {
                // Both circles coincide: inside is the first stop, outside the last.
                t = select(1.0, 0.0, c <= 0.0);
            } else {
                t = c / (2.0 * b);
                if fr + t * dr < 0.0 {
                    return vec4<f32>(0.0);
                }
            }
        } else {
            let disc = b * b - a * c;
            if disc < 0.0 {
                return vec4<f32>(0.0);
            }
            let s = sqrt(disc);
            let t1 = (b + s) / a;
            let t2 = (b - s) / a;
            t = max(t1, t2);
            if fr + t * dr < 0.0 {
                t = min(t1, t2);
                if fr + t * dr < 0.0 {
                    return vec4<f32>(0.0);
                }
            }
        }
    }
    let u = spread(t, p.spread);
    let uv = vec2<f32>((u * 255.0 + 0.5) / 256.0, (p.row + 0.5) / p.ramp_rows);
    return textureSampleLevel(ramps, ramp_sampler, uv, 0.0) * alpha;
}
