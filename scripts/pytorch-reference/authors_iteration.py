#!/usr/bin/env python3
"""Times one AdversarialNAS search iteration of the authors' own code as written (CPU).

`npm run bench -- --pytorch-authors DIR` runs this next to search_iteration.py: where that script is
our like-for-like PyTorch version of the networks, this one imports the authors' super-networks
and architects (archs/search_both_cifar10.py, architect.py) from DIR, a clone of
github.com/chengaopro/AdversarialNAS, builds them as MGPU_search_arch.py does and runs the body of
network.py train() with n_critic 1, step by step as written: every backward pass differentiates
all parameters, G records its graph even where its output is detached, each candidate op has its
own ReLU. Nothing of the authors' code is copied here.

The only change to what it runs: the authors build z and the images as torch.cuda.FloatTensor,
here CPU tensors (torch.FloatTensor). Left out because they do not belong to the iteration or
need CUDA: DataParallel and .cuda() (on a machine without CUDA DataParallel calls the module
directly), the tensorboard writer, the learning-rate schedule (off unless --lr_decay), the
genotype derivation (derive_per_epoch 0).

Prints one line `PYTORCH_RESULT {json}` on stdout, as search_iteration.py; errors go to stderr.
Exit codes as search_iteration.py (2 options, 3 no torch, 4 parameter counts) and 5: DIR does not
hold the authors' code or it does not import.
"""
import os
import sys
import types
import warnings

# search_iteration.py lies next to this file (sys.path[0] when run as a script).
from search_iteration import SCRIPT, Laps, argument_parser, benchmark, torch

CODE_EXIT = 5
MODULES = (os.path.join("archs", "search_both_cifar10.py"), "architect.py")
REPOSITORY = "https://github.com/chengaopro/AdversarialNAS"
FIX = f"pass --code the directory of a clone of {REPOSITORY}"
UNMODIFIED = f"--code should be an unmodified clone of {REPOSITORY} (its search networks import only torch)"

LATENT = 120
TAU = 5.0  # tau_max: the Gumbel temperature of the search's first epoch


def code_problem(directory):
    """Why `directory` cannot be the authors' code, or None."""
    if not os.path.isdir(directory):
        return f"{directory} is not a directory"
    missing = [m for m in MODULES if not os.path.isfile(os.path.join(directory, m))]
    return f"{directory} has no {' or '.join(missing)}" if missing else None


def import_code(directory):
    """The authors' (Generator, Discriminator, Architect_gen, Architect_dis), or a one-line error and exit 5."""
    problem = code_problem(directory)
    if problem is None:
        sys.path.insert(0, directory)
        sys.dont_write_bytecode = True  # leave the user's clone as it is (no __pycache__)
        try:
            from archs.search_both_cifar10 import Discriminator, Generator
            from architect import Architect_dis, Architect_gen

            return Generator, Discriminator, Architect_gen, Architect_dis
        except Exception as error:  # e.g. a modified clone importing a module this python lacks
            # Their search networks and architects import nothing but torch.
            sys.stderr.write(f"{SCRIPT}: importing the authors' code from {directory} failed ({type(error).__name__}: {error}): {UNMODIFIED}\n")
            sys.exit(CODE_EXIT)
    sys.stderr.write(f"{SCRIPT}: {problem}: {FIX}\n")
    sys.exit(CODE_EXIT)


def weights_init(m):
    # MGPU_search_arch.py's weights_init with the search script's --init_type xavier_uniform
    # (scripts/search_arch_cifar10.sh); nn.init.xavier_uniform is the deprecated name of xavier_uniform_.
    classname = m.__class__.__name__
    if classname.find("Conv2d") != -1:
        torch.nn.init.xavier_uniform_(m.weight.data, 1.0)
    elif classname.find("BatchNorm2d") != -1:
        torch.nn.init.normal_(m.weight.data, 1.0, 0.02)
        torch.nn.init.constant_(m.bias.data, 0.0)


def weight_optimizer(net):
    # As MGPU_search_arch.py: Adam over the parameters that are not architecture parameters (g_lr = d_lr = 2e-4, beta1 0, beta2 0.9).
    arch_ids = list(map(id, net.arch_parameters()))
    weights = filter(lambda p: id(p) not in arch_ids, net.parameters())
    return torch.optim.Adam(filter(lambda p: p.requires_grad, weights), 2e-4, (0.0, 0.9))


def weight_count(net):
    """The weights only: the authors' modules also hold their architecture parameters."""
    arch_ids = set(map(id, net.arch_parameters()))
    return sum(p.numel() for p in net.parameters() if id(p) not in arch_ids)


class AuthorsSearch:
    def __init__(self, code, args):
        import numpy as np

        self.np = np
        Generator, Discriminator, Architect_gen, Architect_dis = code
        np.random.seed(args.seed)
        torch.manual_seed(args.seed)
        self.args = types.SimpleNamespace(
            gf_dim=args.widths[0], df_dim=args.widths[1], bottom_width=4, latent_dim=LATENT, gumbel_softmax=True,
            d_spectral_norm=True, amending_coefficient=0, gen_bs=args.generator_batch, n_critic=1,
        )
        self.gen_net = Generator(args=self.args)
        self.dis_net = Discriminator(args=self.args)
        self.architect_gen = Architect_gen(self.gen_net, self.args)
        self.architect_dis = Architect_dis(self.dis_net, self.args)
        self.gen_net.apply(weights_init)
        self.dis_net.apply(weights_init)
        self.gen_optimizer = weight_optimizer(self.gen_net)
        self.dis_optimizer = weight_optimizer(self.dis_net)
        self.gen_avg_param = [p.data.clone() for p in self.gen_net.parameters()]  # network.copy_params
        # The first epoch's temperature (the search sets it per epoch).
        self.gen_net.set_tau(TAU)
        self.dis_net.set_tau(TAU)
        self.gen_net = self.gen_net.train()
        self.dis_net = self.dis_net.train()
        # One batch of the loader: images in [-1, 1], NCHW.
        self.imgs = torch.rand(args.batch, 3, 32, 32) * 2 - 1

    def step(self):
        """network.py train(), one iteration with n_critic 1: the phases' times (ms) and the losses."""
        args, np, nn = self.args, self.np, torch.nn
        gen_net, dis_net = self.gen_net, self.dis_net
        imgs = self.imgs
        lap = Laps()
        real_imgs = imgs.type(torch.FloatTensor)
        real_imgs_w = real_imgs[: imgs.shape[0] // 2]
        real_imgs_arch = real_imgs[imgs.shape[0] // 2 :]

        # sample noise
        z = torch.FloatTensor(np.random.normal(0, 1, (imgs.shape[0] // 2, args.latent_dim)))

        # search arch of D
        search_z = torch.FloatTensor(np.random.normal(0, 1, (imgs.shape[0] // 2, args.latent_dim)))
        self.architect_dis.step(dis_net, real_imgs_arch, gen_net, search_z)
        lap("dArch")

        # train weights of D
        self.dis_optimizer.zero_grad()
        real_validity = dis_net(real_imgs_w)
        fake_imgs = gen_net(z).detach()
        assert fake_imgs.size() == real_imgs_w.size()
        fake_validity = dis_net(fake_imgs)
        # Hinge loss
        d_loss = torch.mean(nn.ReLU(inplace=True)(1.0 - real_validity)) + torch.mean(nn.ReLU(inplace=True)(1 + fake_validity))
        d_loss.backward()
        self.dis_optimizer.step()
        d_loss_value = d_loss.item()  # writer.add_scalar('d_loss', d_loss.item(), ...)
        lap("dWeights")

        # sample noise
        gen_z = torch.FloatTensor(np.random.normal(0, 1, (args.gen_bs, args.latent_dim)))
        # search arch of G
        search_z = torch.FloatTensor(np.random.normal(0, 1, (args.gen_bs, args.latent_dim)))
        self.architect_gen.step(search_z, gen_net, dis_net)
        lap("gArch")

        # train weights of G
        self.gen_optimizer.zero_grad()
        gen_imgs = gen_net(gen_z)
        fake_validity = dis_net(gen_imgs)
        # Hinge loss
        g_loss = -torch.mean(fake_validity)
        g_loss.backward()
        self.gen_optimizer.step()

        # moving average weight
        for p, avg_p in zip(gen_net.parameters(), self.gen_avg_param):
            avg_p.mul_(0.999).add_(0.001, p.data)
        g_loss_value = g_loss.item()  # writer.add_scalar('g_loss', g_loss.item(), ...)
        lap("gWeights")

        losses = {"dLoss": d_loss_value, "gLoss": g_loss_value}
        for k, v in losses.items():
            if v != v or v in (float("inf"), float("-inf")):
                raise RuntimeError(f"loss {k} is {v}")
        return lap.times, losses


def parse_args(argv):
    p = argument_parser(__doc__.split("\n")[0])
    p.add_argument("--code", required=True, metavar="DIR", help="a clone of github.com/chengaopro/AdversarialNAS")
    return p.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    code = import_code(os.path.abspath(args.code))
    # The EMA's add_(0.001, p.data), as written, is an overload torch deprecates: one warning per run, no news.
    warnings.filterwarnings("ignore", message="This overload of add_ is deprecated")
    torch.set_num_threads(args.threads)
    search = AuthorsSearch(code, args)
    G, D = search.gen_net, search.dis_net
    # Weights only on both sides, comparable with search_iteration.py's counts and ours. The
    # architecture parameters differ by design and are reported apart: the authors give the first D
    # cell's three stem edges 7-wide rows like every normal edge (3 x 2 entries more than our 5-wide
    # rows); the stem's MixedOp_sn_wo_act zips its 5 convs with the first 5 entries of the row.
    parameters = {"generator": weight_count(G), "discriminator": weight_count(D)}
    architecture = {"generator": sum(p.numel() for p in G.arch_parameters()), "discriminator": sum(p.numel() for p in D.arch_parameters())}
    name = f"search {args.widths[0]}/{args.widths[1]} authors' code"
    # The authors split the real batch in halves (weights, architecture).
    return benchmark(args, search.step, parameters, name=name, split=0.5, architecture_parameters=architecture, extra={"code": os.path.abspath(args.code)})


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
