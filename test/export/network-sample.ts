/** A .cein network shared by the export tests. */

/** A small network: a CP layer, a TT layer with stride 2, a pooling layer with a const vector. */
export const NETWORK = `let B = 4
input X[B, 3, 6, 6]
network net(X) {
  weight Ut[2, 4]
  weight Us[2, 3]
  weight Kh[2, 3]
  weight Kw[2, 3]
  layer cp: Y1 = conv_einsum("bshw,rt,rs,rh,rw->bthw|hw", X, Ut, Us, Kh, Kw) { h: mode reflect }
  weight G1[2, 5]
  weight G2[2, 2, 3]
  weight G3[2, 2, 3]
  weight G4[2, 4]
  layer tt: Y2 = conv_einsum("bshw,(r1)t,(r1)(r2)h,(r2)(r3)w,(r3)s->bthw|hw", Y1, G1, G2, G3, G4) { h: stride 2, padding 1  w: stride 2, padding 0:1, mode circular }
  const M[5]
  layer pool: Y3 = conv_einsum("bthw,t->bhw", Y2, M)
}
`;
