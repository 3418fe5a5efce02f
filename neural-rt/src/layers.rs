//! The model's building blocks, written with operations that all have a backward pass in candle 0.11:
//! attention as matmul + `ops::softmax` (not `softmax_last_dim` or `sdpa`), `ops::layer_norm_slow`
//! (not `layer_norm`), and rotary positions as multiplications (not the rotary kernels). A test checks
//! that every trainable variable receives a gradient.

use candle_core::{D, DType, Device, Module, Result, Tensor};
use candle_nn::{Linear, VarBuilder, linear, linear_no_bias};

/// Layer normalization with learned scale and shift.
pub struct Norm {
    alpha: Tensor,
    beta: Tensor,
}

impl Norm {
    pub fn new(dim: usize, vb: VarBuilder) -> Result<Self> {
        Ok(Self {
            alpha: vb.get_with_hints(dim, "alpha", candle_nn::Init::Const(1.0))?,
            beta: vb.get_with_hints(dim, "beta", candle_nn::Init::Const(0.0))?,
        })
    }

    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        candle_nn::ops::layer_norm_slow(x, &self.alpha, &self.beta, 1e-5)
    }
}

/// Rotary position tables: for position p and pair i, cos and sin of p / 10000^(2i/dim).
pub struct Rotary {
    cos: Tensor,
    sin: Tensor,
}

impl Rotary {
    pub fn new(positions: usize, dim: usize, device: &Device) -> Result<Self> {
        let half = dim / 2;
        let mut angles = Vec::with_capacity(positions * dim);
        for p in 0..positions {
            for i in 0..dim {
                let pair = (i % half) as f32;
                angles.push(p as f32 / 10000f32.powf(2.0 * pair / dim as f32));
            }
        }
        let angles = Tensor::from_vec(angles, (positions, dim), device)?;
        Ok(Self {
            cos: angles.cos()?,
            sin: angles.sin()?,
        })
    }

    /// The tables at `positions` (`[n]`): `[n, dim]` cosines and sines.
    pub fn at(&self, positions: &Tensor) -> Result<(Tensor, Tensor)> {
        Ok((
            self.cos.index_select(positions, 0)?,
            self.sin.index_select(positions, 0)?,
        ))
    }

    /// Rotates `x` (`[.., n, dim]`) by the tables `cos` and `sin` of its `n` positions.
    pub fn turn(x: &Tensor, cos: &Tensor, sin: &Tensor) -> Result<Tensor> {
        let dim = x.dim(D::Minus1)?;
        let first = x.narrow(D::Minus1, 0, dim / 2)?;
        let second = x.narrow(D::Minus1, dim / 2, dim / 2)?;
        let turned = Tensor::cat(&[&second.neg()?, &first], D::Minus1)?;
        x.broadcast_mul(cos)?.add(&turned.broadcast_mul(sin)?)
    }
}

/// Multi-head attention of queries over keys, with an additive mask on the keys.
pub struct Attention {
    q: Linear,
    k: Linear,
    v: Linear,
    o: Linear,
    heads: usize,
}

impl Attention {
    pub fn new(dim: usize, heads: usize, vb: VarBuilder) -> Result<Self> {
        Ok(Self {
            q: linear_no_bias(dim, dim, vb.pp("q"))?,
            k: linear_no_bias(dim, dim, vb.pp("k"))?,
            v: linear_no_bias(dim, dim, vb.pp("v"))?,
            o: linear(dim, dim, vb.pp("o"))?,
            heads,
        })
    }

    /// `[b, n, dim]` heads-first: `[b, heads, n, dim / heads]`.
    fn split(&self, x: &Tensor) -> Result<Tensor> {
        let (b, n, dim) = x.dims3()?;
        x.reshape((b, n, self.heads, dim / self.heads))?
            .transpose(1, 2)?
            .contiguous()
    }

    /// The keys and values of `keys` (`[b, m, dim]`), heads-split.
    pub fn keys(&self, keys: &Tensor) -> Result<(Tensor, Tensor)> {
        Ok((
            self.split(&self.k.forward(keys)?)?,
            self.split(&self.v.forward(keys)?)?,
        ))
    }

    /// Attends from `queries` `[b, n, dim]` to heads-split keys and values `[b, heads, m, ..]`;
    /// `mask` is `[b, 1, 1, m]` (0 or a large negative) or `None`; `rotate` turns queries and keys by
    /// position before they meet.
    pub fn attend(
        &self,
        queries: &Tensor,
        (k, v): (&Tensor, &Tensor),
        mask: Option<&Tensor>,
        rotate: Option<&Turn<'_>>,
    ) -> Result<Tensor> {
        let (b, n, dim) = queries.dims3()?;
        let mut q = self.split(&self.q.forward(queries)?)?;
        let mut k = k.clone();
        if let Some(rotate) = rotate {
            q = rotate(&q, true)?;
            k = rotate(&k, false)?;
        }
        let scale = 1.0 / ((dim / self.heads) as f64).sqrt();
        let mut scores = q
            .matmul(&k.transpose(2, 3)?.contiguous()?)?
            .affine(scale, 0.0)?;
        if let Some(mask) = mask {
            scores = scores.broadcast_add(mask)?;
        }
        let weights = candle_nn::ops::softmax(&scores, D::Minus1)?;
        let out = weights.matmul(v)?.transpose(1, 2)?.reshape((b, n, dim))?;
        self.o.forward(&out)
    }
}

/// Turns heads-split queries (`true`) or keys (`false`) by their positions.
pub type Turn<'a> = dyn Fn(&Tensor, bool) -> Result<Tensor> + 'a;

/// A two-layer perceptron with GELU.
pub struct Mlp {
    up: Linear,
    down: Linear,
}

impl Mlp {
    pub fn new(dim: usize, hidden: usize, vb: VarBuilder) -> Result<Self> {
        Ok(Self {
            up: linear(dim, hidden, vb.pp("up"))?,
            down: linear(hidden, dim, vb.pp("down"))?,
        })
    }

    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        self.down.forward(&gelu(&self.up.forward(x)?)?)
    }
}

/// GELU in its tanh form, the one candle's `gelu` computes, written as x·σ(2u) with
/// u = √(2/π)·(x + 0.044715·x³), since ½(1 + tanh u) = σ(2u). On the CPU candle's own `gelu` calls
/// `tanhf` for each element and its gradient two `powf`s; they took a fifth of a training step and a
/// quarter of a prediction, where one `exp` does the same.
pub fn gelu(x: &Tensor) -> Result<Tensor> {
    const TWO_SQRT_TWO_OVER_PI: f64 = 2.0 * 0.797_884_560_802_865_4;
    let twice_u = (x
        * (x.sqr()?
            .affine(0.044_715 * TWO_SQRT_TWO_OVER_PI, TWO_SQRT_TWO_OVER_PI))?)?;
    x * candle_nn::ops::sigmoid(&twice_u)?
}

/// A pre-norm transformer block: attention (self or cross) then the perceptron, each added back.
pub struct Block {
    norm_q: Norm,
    norm_k: Option<Norm>,
    attention: Attention,
    norm_mlp: Norm,
    mlp: Mlp,
}

impl Block {
    /// A block whose queries attend to themselves (`cross` false) or to other keys (`cross` true).
    pub fn new(
        dim: usize,
        heads: usize,
        hidden: usize,
        cross: bool,
        vb: VarBuilder,
    ) -> Result<Self> {
        Ok(Self {
            norm_q: Norm::new(dim, vb.pp("norm_q"))?,
            norm_k: if cross {
                Some(Norm::new(dim, vb.pp("norm_k"))?)
            } else {
                None
            },
            attention: Attention::new(dim, heads, vb.pp("attention"))?,
            norm_mlp: Norm::new(dim, vb.pp("norm_mlp"))?,
            mlp: Mlp::new(dim, hidden, vb.pp("mlp"))?,
        })
    }

    /// Self-attention over `x` (`[b, n, dim]`) with the key mask `mask`.
    pub fn forward(&self, x: &Tensor, mask: Option<&Tensor>) -> Result<Tensor> {
        let q = self.norm_q.forward(x)?;
        let (k, v) = self.attention.keys(&q)?;
        let attended = self.attention.attend(&q, (&k, &v), mask, None)?;
        self.finish(x, &attended)
    }

    /// Cross-attention from `x` (`[n, q, dim]`) to keys given per session (`[b, m, dim]`), of which
    /// query group i uses session `sessions[i]`'s: keys are projected once per session, not per
    /// group.
    pub fn forward_cross(
        &self,
        x: &Tensor,
        keys: &Tensor,
        sessions: &Tensor,
        mask: &Tensor,
        rotate: &Turn<'_>,
    ) -> Result<Tensor> {
        let norm = self.norm_k.as_ref().ok_or_else(|| {
            candle_core::Error::Msg("a self-attention block used for cross-attention".into())
        })?;
        let (k, v) = self.attention.keys(&norm.forward(keys)?)?;
        let (k, v) = (k.index_select(sessions, 0)?, v.index_select(sessions, 0)?);
        let q = self.norm_q.forward(x)?;
        let attended = self
            .attention
            .attend(&q, (&k, &v), Some(mask), Some(rotate))?;
        self.finish(x, &attended)
    }

    fn finish(&self, x: &Tensor, attended: &Tensor) -> Result<Tensor> {
        let x = x.add(attended)?;
        x.add(&self.mlp.forward(&self.norm_mlp.forward(&x)?)?)
    }
}

/// An additive attention mask from a `[b, m]` 0/1 "is a real key" tensor: `[b, 1, 1, m]`.
pub fn key_mask(real: &Tensor) -> Result<Tensor> {
    let (b, m) = real.dims2()?;
    real.to_dtype(DType::F32)?
        .affine(1e9, -1e9)?
        .reshape((b, 1, 1, m))
}

#[cfg(test)]
mod tests {
    use candle_core::Var;

    use super::*;

    /// The sigmoid form must be candle's tanh form, forward and backward, or a model trained with
    /// one would predict otherwise with the other.
    #[test]
    fn gelu_is_candles_gelu_and_has_its_gradient() -> Result<()> {
        let values: Vec<f32> = (-800..=800).map(|i| i as f32 / 100.0).collect();
        let x = Var::new(values.as_slice(), &Device::Cpu)?;
        let ours = gelu(x.as_tensor())?;
        let candles = x.as_tensor().gelu()?;
        let largest =
            |a: &Tensor, b: &Tensor| -> Result<f32> { (a - b)?.abs()?.max(0)?.to_scalar::<f32>() };
        assert!(largest(&ours, &candles)? < 1e-6);
        let our_grad = ours.sum_all()?.backward()?;
        let candles_grad = candles.sum_all()?.backward()?;
        let (a, b) = (our_grad.get(&x).unwrap(), candles_grad.get(&x).unwrap());
        assert!(largest(a, b)? < 1e-5, "{}", largest(a, b)?);
        Ok(())
    }
}
