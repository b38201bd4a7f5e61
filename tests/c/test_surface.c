/* test_surface.c: the optimizer lab's C side: the vector net steps by optim.c's rules bit for bit,
 * every surface's gradient agrees with finite differences, the noise is seeded, bad input fails. */
#include "check.h"
#include "optim.h"
#include "layer.h"

static const char *const surface_names[] = {"saddle", "ravine", "rosenbrock", "beale", "himmelblau", "sparse"};

/* Each optimizer kind with options that take every branch, run 20 steps on a 5-vector through the
 * net, against the scalar reference nn_optim_update_ref on a copy. */
static void test_vector_steps_match_reference(void) {
    const struct {
        nn_optim_kind kind;
        nn_hyper h1;
        double v1;
        nn_hyper h2;
        double v2;
    } cases[] = {
        {NN_OPTIM_SGD, NN_HP_LR, 0.05, NN_HP_MOMENTUM, 0.0},
        {NN_OPTIM_SGD, NN_HP_MOMENTUM, 0.9, NN_HP_NESTEROV, 1.0},
        {NN_OPTIM_ADAGRAD, NN_HP_LR_DECAY, 0.01, NN_HP_INITIAL_ACCUMULATOR, 0.1},
        {NN_OPTIM_RMSPROP, NN_HP_CENTERED, 1.0, NN_HP_MOMENTUM, 0.5},
        {NN_OPTIM_ADAM, NN_HP_AMSGRAD, 1.0, NN_HP_WEIGHT_DECAY, 0.01},
        {NN_OPTIM_ADAMW, NN_HP_LR, 0.01, NN_HP_MAXIMIZE, 1.0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        nn_net *net = nn_vector_net_create(5);
        CHECK(net != NULL, "vector net: %s", nn_last_error());
        if (!net) return;
        CHECK(nn_param_count(net) == 5, "5 parameters, got %zu", nn_param_count(net));
        CHECK_OK(nn_set_optimizer(net, cases[c].kind));
        CHECK_OK(nn_set_hyper(net, cases[c].h1, cases[c].v1));
        CHECK_OK(nn_set_hyper(net, cases[c].h2, cases[c].v2));
        float p_ref[5], state_ref[15] = {0}, g[5];
        float *p = nn_params(net);
        for (int i = 0; i < 5; i++) p[i] = p_ref[i] = 0.3f * (float)i - 0.7f;
        int same = 1;
        for (int t = 1; t <= 20; t++) {
            for (int i = 0; i < 5; i++) g[i] = sinf(0.7f * (float)(t * 5 + i)) * (1.0f + (float)i);
            memcpy(nn_grads(net), g, sizeof g);
            CHECK_OK(nn_optim_step(net));
            nn_optim_update_ref(&net->optim, t, p_ref, g, state_ref, 5);
            same &= memcmp(nn_params(net), p_ref, sizeof p_ref) == 0;
        }
        CHECK(same, "case %zu: the vector net's steps equal the reference bit for bit", c);
        CHECK(nn_optim_step_count(net) == 20, "20 steps counted");
        nn_net_free(net);
    }
}

static void test_gradients_match_finite_differences(void) {
    const double points[][2] = {{-1.2, 1.0}, {0.4, -0.3}, {2.5, 0.7}, {-3.0, -2.0}};
    for (int k = 0; k < NN_SURFACE_KIND_COUNT; k++) {
        nn_surface *s = nn_surface_create((nn_surface_kind)k, 7.0, 3.0, 0.0, 1.0, 1);
        nn_net *net = nn_vector_net_create(2);
        CHECK(s && net, "%s: created", surface_names[k]);
        if (!s || !net) return;
        for (size_t i = 0; i < sizeof points / sizeof points[0]; i++) {
            /* points that are floats exactly, since the net holds floats */
            const float x = (float)points[i][0], y = (float)points[i][1];
            nn_params(net)[0] = x;
            nn_params(net)[1] = y;
            double loss = 0.0;
            CHECK_OK(nn_surface_gradient(s, net, &loss));
            CHECK(loss == nn_surface_value(s, x, y), "%s: loss is the value", surface_names[k]);
            const double h = 1e-6;
            const double fx = (nn_surface_value(s, x + h, y) - nn_surface_value(s, x - h, y)) / (2 * h);
            const double fy = (nn_surface_value(s, x, y + h) - nn_surface_value(s, x, y - h)) / (2 * h);
            const double gx = nn_grads(net)[0], gy = nn_grads(net)[1];
            CHECK(fabs(gx - fx) <= 1e-5 * (1.0 + fabs(fx)), "%s at (%g, %g): df/dx %g, finite differences %g",
                  surface_names[k], x, y, gx, fx);
            CHECK(fabs(gy - fy) <= 1e-5 * (1.0 + fabs(fy)), "%s at (%g, %g): df/dy %g, finite differences %g",
                  surface_names[k], x, y, gy, fy);
        }
        nn_surface_free(s);
        nn_net_free(net);
    }
}

static void test_minima(void) {
    const struct {
        nn_surface_kind kind;
        double x, y;
    } minima[] = {{NN_SURFACE_ROSENBROCK, 1, 1}, {NN_SURFACE_BEALE, 3, 0.5}, {NN_SURFACE_HIMMELBLAU, 3, 2},
                  {NN_SURFACE_RAVINE, 0, 0}, {NN_SURFACE_SADDLE, 0, 0}};
    for (size_t i = 0; i < sizeof minima / sizeof minima[0]; i++) {
        nn_surface *s = nn_surface_create(minima[i].kind, 50.0, 1.0, 0.0, 1.0, 1);
        CHECK(nn_surface_value(s, minima[i].x, minima[i].y) == 0.0, "%s: 0 at its stationary point",
              surface_names[minima[i].kind]);
        nn_surface_free(s);
    }
}

/* The noise and the sparse mask: the same seed gives the same gradients, another seed others;
 * the sparse surface's y gradient arrives in about the asked share of steps. */
static void test_noise_is_seeded(void) {
    float a[200], b[200], c[200];
    float *runs[] = {a, b, c};
    const uint64_t seeds[] = {7, 7, 8};
    for (int r = 0; r < 3; r++) {
        nn_surface *s = nn_surface_create(NN_SURFACE_ROSENBROCK, 1.0, 1.0, 0.5, 1.0, seeds[r]);
        nn_net *net = nn_vector_net_create(2);
        for (int t = 0; t < 100; t++) {
            CHECK_OK(nn_surface_gradient(s, net, NULL));
            runs[r][2 * t] = nn_grads(net)[0];
            runs[r][2 * t + 1] = nn_grads(net)[1];
        }
        nn_surface_free(s);
        nn_net_free(net);
    }
    CHECK(memcmp(a, b, sizeof a) == 0, "the same seed gives the same noisy gradients");
    CHECK(memcmp(a, c, sizeof a) != 0, "another seed gives other gradients");
    /* at (0, 0) Rosenbrock's gradient is (-2, 0): the noise has about the std asked for */
    double sum = 0, sq = 0;
    for (int t = 0; t < 100; t++) {
        sum += a[2 * t + 1];
        sq += (double)a[2 * t + 1] * a[2 * t + 1];
    }
    const double sd = sqrt(sq / 100 - (sum / 100) * (sum / 100));
    CHECK(sd > 0.4 && sd < 0.6, "noise std 0.5 measured %g", sd);

    nn_surface *s = nn_surface_create(NN_SURFACE_SPARSE, 1.0, 1.0, 0.0, 0.1, 3);
    nn_net *net = nn_vector_net_create(2);
    nn_params(net)[0] = 1.0f;
    nn_params(net)[1] = 1.0f;
    int with_y = 0;
    for (int t = 0; t < 2000; t++) {
        CHECK_OK(nn_surface_gradient(s, net, NULL));
        with_y += nn_grads(net)[1] != 0.0f;
        CHECK(nn_grads(net)[0] == 1.0f, "x's gradient is always there");
    }
    CHECK(with_y > 150 && with_y < 250, "y's gradient in about 10 %% of 2000 steps: %d", with_y);
    nn_surface_free(s);
    nn_net_free(net);
}

static void test_grid(void) {
    nn_surface *s = nn_surface_create(NN_SURFACE_HIMMELBLAU, 1.0, 1.0, 0.0, 1.0, 1);
    float out[3 * 4];
    CHECK_OK(nn_surface_grid(s, -2, 4, -1, 3, 4, 3, out));
    CHECK(out[0] == (float)nn_surface_value(s, -2, 3), "row 0 is the top (y1)");
    CHECK(out[11] == (float)nn_surface_value(s, 4, -1), "the last cell is (x1, y0)");
    CHECK(out[4 + 1] == (float)nn_surface_value(s, 0, 1), "a middle cell");
    CHECK(nn_surface_grid(s, 1, 0, 0, 1, 4, 3, out) == NN_ERR_INVALID, "a decreasing range is refused");
    CHECK(nn_surface_grid(s, 0, 1, 0, 1, 1, 3, out) == NN_ERR_INVALID, "a grid of width 1 is refused");
    CHECK(nn_surface_grid(s, 0, NAN, 0, 1, 4, 3, out) == NN_ERR_INVALID, "NaN range refused");
    nn_surface_free(s);
}

static void test_bad_input(void) {
    CHECK(nn_surface_create((nn_surface_kind)6, 1, 1, 0, 1, 1) == NULL, "unknown kind");
    CHECK(strstr(nn_last_error(), "unknown kind") != NULL, "says why: %s", nn_last_error());
    CHECK(nn_surface_create(NN_SURFACE_RAVINE, 0.5, 1, 0, 1, 1) == NULL, "condition below 1");
    CHECK(nn_surface_create(NN_SURFACE_RAVINE, NAN, 1, 0, 1, 1) == NULL, "NaN condition");
    CHECK(nn_surface_create(NN_SURFACE_RAVINE, 1, 0, 0, 1, 1) == NULL, "scale 0");
    CHECK(nn_surface_create(NN_SURFACE_RAVINE, 1, 1, -1, 1, 1) == NULL, "negative noise");
    CHECK(nn_surface_create(NN_SURFACE_SPARSE, 1, 1, 0, 0, 1) == NULL, "sparsity 0");
    CHECK(nn_vector_net_create(0) == NULL, "an empty vector");
    nn_surface *s = nn_surface_create(NN_SURFACE_SADDLE, 1, 1, 0, 1, 1);
    nn_net *three = nn_vector_net_create(3);
    CHECK(nn_surface_gradient(s, three, NULL) == NN_ERR_INVALID, "a 3-vector is not a point of the plane");
    CHECK(nn_surface_gradient(NULL, three, NULL) == NN_ERR_INVALID, "no surface");
    CHECK(isnan(nn_surface_value(NULL, 0, 0)), "no surface: NaN");
    nn_net_free(three);

    /* A step that overflows is refused and the point kept, the vector net stays usable. */
    nn_surface *rosen = nn_surface_create(NN_SURFACE_ROSENBROCK, 1, 1, 0, 1, 1);
    nn_net *net = nn_vector_net_create(2);
    CHECK_OK(nn_set_optimizer(net, NN_OPTIM_SGD));
    CHECK_OK(nn_set_hyper(net, NN_HP_LR, 1e37));
    nn_params(net)[0] = -1.5f;
    nn_params(net)[1] = 2.0f;
    CHECK_OK(nn_surface_gradient(rosen, net, NULL));
    CHECK(nn_optim_step(net) == NN_ERR_NUMERIC, "an infinite step is refused");
    CHECK(nn_params(net)[0] == -1.5f && nn_params(net)[1] == 2.0f, "the point is kept");
    nn_surface_free(rosen);
    nn_surface_free(s);
    nn_net_free(net);
}

int main(void) {
    test_vector_steps_match_reference();
    test_gradients_match_finite_differences();
    test_minima();
    test_noise_is_seeded();
    test_grid();
    test_bad_input();
    return check_summary();
}
